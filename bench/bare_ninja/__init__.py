"""A bare django-ninja project over the nscap tables: the framework's floor for the read benchmark.

The same queries as the nscap read API (events by country and year, 50 a page, with the count;
one event by key) with none of nscap's layers: no visibility filter, no middleware beyond the
common one, no nested partners, topics or citations. It reads whatever database ``DATABASE_URL``
names (the benchmark's data), with persistent connections like nscap's settings.
"""
