"""A synthetic world of nuclear security training and the crowd reports it gives rise to.

The second, independent generator of issue 13, written from the issue's description of real
crowd reports (not from ``nscap.linkage.synthetic``): the world's truth (institutions with
countries, kinds, parents, shared acronyms and labels in several scripts; courses run in
series; true events with true participant counts and their breakdown by country; collaboration
claims with their true status; demand cells) and the reports as they arrive, each carrying the
noise it was given (``Report.noise``) so that quality can be scored per noise type.

Every rate is a field of ``Rates``, its default the issue's figure. ``generate(n, seed)`` is
deterministic: the same seed gives the same world, report for report.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from nscap.synthetic_world import vocabulary as words
from nscap.synthetic_world.noise import host_text, participants, title

ROLES = ("host", "co_organiser", "funder", "trainer_provider", "participant", "iaea")
FIRST_DAY, LAST_DAY = dt.date(2015, 1, 1), dt.date(2019, 9, 30)


@dataclass(frozen=True)
class Rates:
    """Every rate of the world and of its reports; defaults from issue 13."""

    reports_per_event: tuple[float, float, float] = (0.30, 0.45, 0.25)  # 1, 2, 3 reports
    no_topic: float = 1 / 3
    month_only: float = 0.17
    no_date: float = 0.04
    day_shift: float = 0.4  # a day-dated report other than the first, shifted 1-3 days
    self_named_host: float = 0.08  # of co-organiser and trainer-provider reports
    in_series: float = 0.60  # share of events that are runs of a series
    series_runs: tuple[int, int] = (2, 4)
    series_gap_days: int = 45
    sloppy_host: float = 0.18
    breakdown_on_host: float = 0.85
    breakdown_on_other: float = 0.10
    counts: tuple[float, float, float, float] = (0.45, 0.25, 0.20, 0.10)  # exact rounded ~ >
    no_count: float = 0.05
    # title styles: official, paraphrased, abbreviated, suffixed, translated, mistyped
    titles: tuple[float, ...] = (0.28, 0.16, 0.12, 0.16, 0.16, 0.12)
    events_per_institution: int = 34
    claims_per_event: float = 0.11
    confirmed_claims: float = 0.5


@dataclass
class Institution:
    key: str
    name: str
    kind: str
    country: str
    city: str
    acronym: str
    labels: list[tuple[str, str, str, str]]  # text, language, script, kind
    parent: str | None = None
    weight: float = 1.0


@dataclass
class Course:
    key: str
    provider: str
    form: tuple[str, str]
    topics: tuple[str, ...]
    target_groups: tuple[str, ...]

    @property
    def title(self) -> str:
        return f"{self.form[0]} {words_by_key(self.topics[0]).official}"


@dataclass
class Event:
    """One true event: what happened, whoever reports it."""

    id: str
    host: str
    course: str
    series: str | None
    start: dt.date
    end: dt.date
    city: str
    country: str
    participants: int
    breakdown: dict[str, int]
    partners: list[tuple[str, str]]  # institution key, role
    topics: tuple[str, ...]
    target_groups: tuple[str, ...]


@dataclass
class Report:
    """One crowd report of an event, as it arrives."""

    key: str
    event: str
    reporter: str
    role: str
    host: str  # the institution the report names as host (the reporter itself when self-named)
    host_text: str
    title: str
    start: str | None  # EDTF: "2017-03-14", "2017-03" or None
    end: str | None
    city: str | None
    country: str | None
    participants: int | None
    qualifier: str | None
    breakdown: dict[str, int]
    partners: list[tuple[str, str]]
    topics: tuple[str, ...]
    target_groups: tuple[str, ...]
    noise: list[str] = field(default_factory=list)


@dataclass
class Claim:
    key: str
    claimant: str
    partner: str | None
    partner_text: str | None
    type: str


@dataclass
class World:
    """The truth and the reports of one seed."""

    seed: int
    rates: Rates
    institutions: dict[str, Institution]
    courses: dict[str, Course]
    events: dict[str, Event]
    reports: list[Report]
    claims: list[Claim]
    pair_status: dict[tuple[str, str], str]  # (a, b) sorted -> confirmed | one-sided
    demand: dict[tuple[str, str, str], int]  # (country, target group, topic) -> people needed

    def truth(self) -> dict[str, str]:
        """Report key -> true event id."""
        return {r.key: r.event for r in self.reports}


_TOPIC = {t.key: t for t in words.TOPICS}


def words_by_key(key: str) -> words.TopicWords:
    return _TOPIC[key]


def _institutions(rng: random.Random, count: int) -> dict[str, Institution]:
    countries = list(words.COUNTRIES)
    out: dict[str, Institution] = {}
    iaea = Institution(
        "w2-iaea",
        "International Atomic Energy Agency",
        "international_org",
        "AT",
        "Vienna",
        "IAEA",
        [("IAEA", "en", "Latn", "acronym"), ("国际原子能机构", "zh-Hans", "Hans", "name")],
    )
    out[iaea.key] = iaea
    used: set[str] = set()
    while len(out) < count:
        country = rng.choices(countries, [c.weight for c in countries])[0]
        kind, phrase, stem, _weight = rng.choices(words.KINDS, [k[3] for k in words.KINDS])[0]
        q = rng.randrange(len(words.QUALIFIERS))
        name = f"{words.QUALIFIERS[q]} {country.adjective} {phrase}"
        if name in used:
            continue
        used.add(name)
        acronym = stem if kind == "nssc" else f"{stem}{words.QUALIFIERS[q][0]}"
        key = f"w2-i{len(out):04d}"
        labels = [(acronym, "en", "Latn", "acronym")]
        if country.language != "en":
            native = words.NATIVE_QUALIFIERS[country.language]
            script = {"zh": "Hans", "ja": "Jpan", "ko": "Kore", "th": "Thai"}.get(
                country.language, "Latn"
            )
            sep = "" if script in ("Hans", "Jpan", "Kore", "Thai") else " "
            native_name = f"{words.NATIVE_KIND[country.language]}{sep}{native[q % len(native)]}"
            native_name += f"{sep}{len(out)}"  # names of one kind and country stay distinct
            language = "zh-Hans" if country.language == "zh" else country.language
            labels.append((native_name, language, script, "name"))
        out[key] = Institution(
            key, name, kind, country.code, rng.choice(country.cities), acronym, labels
        )
    # parents: a support centre or centre of excellence under its country's regulator
    regulators: dict[str, str] = {}
    for inst in out.values():
        if inst.kind == "regulator":
            regulators.setdefault(inst.country, inst.key)
    for inst in out.values():
        if inst.kind in ("nssc", "center_of_excellence") and inst.country in regulators:
            inst.parent = regulators[inst.country]
    # hosting: a few big centers, a middle, a long tail
    hosts = [i for i in out.values() if i.key != iaea.key]
    rng.shuffle(hosts)
    for rank, inst in enumerate(hosts):
        big, middle = max(2, len(hosts) // 25), len(hosts) // 6
        inst.weight = 30.0 if rank < big else (5.0 if rank < middle else 1.0)
    return out


def _pick_date(rng: random.Random) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))


def _events(rng: random.Random, n: int, rates: Rates, insts: dict, courses: dict) -> dict:
    hosts = [i for i in insts.values() if i.kind != "international_org"]
    weights = [i.weight for i in hosts]
    others = list(insts.values())
    country_codes = [c.code for c in words.COUNTRIES]
    country_weights = [c.weight for c in words.COUNTRIES]
    runs_low, runs_high = rates.series_runs
    mean_runs = (runs_low + runs_high) / 2
    start_series = rates.in_series / (mean_runs * (1 - rates.in_series) + rates.in_series)
    events: dict[str, Event] = {}
    by_host: dict[str, list[str]] = {}
    while len(events) < n:
        host = rng.choices(hosts, weights)[0]
        mine = by_host.setdefault(host.key, [])
        if len(mine) < 2 or (len(mine) < 8 and rng.random() < 0.3):
            topics = tuple(rng.sample([t.key for t in words.TOPICS], rng.choice((1, 1, 2))))
            course = Course(
                f"w2-c{len(courses):05d}",
                host.key,
                rng.choice(words.COURSE_FORMS),
                topics,
                tuple(rng.sample(words.TARGET_GROUPS, rng.choice((1, 2)))),
            )
            courses[course.key] = course
            mine.append(course.key)
        course = courses[rng.choice(mine)]
        runs = 1
        if rng.random() < start_series:
            runs = min(rng.randint(runs_low, runs_high), n - len(events))
        series = f"s{len(events)}" if runs > 1 else None
        start = _pick_date(rng)
        size = rng.randint(12, 60)
        partners = _partners(rng, host, others)
        for _run in range(runs):
            days = rng.randint(2, 9)
            country = host.country
            city = host.city if rng.random() < 0.8 else rng.choice(_cities(country))
            people = max(5, size + rng.randint(-6, 6))
            events[f"E{len(events):06d}"] = Event(
                f"E{len(events):06d}",
                host.key,
                course.key,
                series,
                start,
                start + dt.timedelta(days=days),
                city,
                country,
                people,
                _breakdown(rng, people, country, country_codes, country_weights),
                partners,
                course.topics,
                course.target_groups,
            )
            start += dt.timedelta(days=rates.series_gap_days + rng.randint(0, 120))
    return events


def _cities(code: str) -> tuple[str, ...]:
    return next(c.cities for c in words.COUNTRIES if c.code == code)


def _partners(rng: random.Random, host: Institution, others: list) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    taken = {host.key}
    for role, chance in (("co_organiser", 0.5), ("funder", 0.35), ("trainer_provider", 0.3)):
        if rng.random() < chance:
            partner = "w2-iaea" if rng.random() < 0.3 else rng.choice(others).key
            if partner not in taken:
                taken.add(partner)
                out.append((partner, role))
    return out


def _breakdown(rng, people: int, home: str, codes: list, weights: list) -> dict[str, int]:
    share = rng.choice((1.0, 1.0, 0.8, 0.6, 0.4))
    out = {home: max(1, round(people * share))}
    rest = people - out[home]
    guests = rng.choices(codes, weights, k=rng.randint(1, 5))
    while rest > 0:
        guest = rng.choice(guests)
        count = min(rest, rng.randint(1, 4))
        out[guest] = out.get(guest, 0) + count
        rest -= count
    return out


def _reporters(rng: random.Random, event: Event, rates: Rates, insts: dict) -> list:
    """(institution key, role) of each report, distinct reporters, the host most often."""
    pool = [(event.host, "host", 5.0)]
    pool += [(key, role, 3.0) for key, role in event.partners if key != "w2-iaea"]
    iaea_partner = any(key == "w2-iaea" for key, _role in event.partners)
    if event.host != "w2-iaea":
        pool.append(("w2-iaea", "iaea", 3.0 if iaea_partner else 0.7))
    guests = [c for c in event.breakdown if c != event.country]
    by_country = [i for i in insts.values() if i.country in guests]
    for inst in rng.sample(by_country, min(3, len(by_country))):
        if inst.key not in {p[0] for p in pool}:
            pool.append((inst.key, "participant", 1.0))
    wanted = rng.choices((1, 2, 3), rates.reports_per_event)[0]
    chosen = []
    while pool and len(chosen) < wanted:
        pick = rng.choices(range(len(pool)), [p[2] for p in pool])[0]
        chosen.append(pool.pop(pick)[:2])
    return chosen


def _date(rng: random.Random, event: Event, rates: Rates, first_day: bool, noise: list):
    roll = rng.random()
    if roll < rates.no_date:
        noise.append("no_date")
        return None, None
    if roll < rates.no_date + rates.month_only:
        noise.append("month_only")
        return event.start.strftime("%Y-%m"), None
    start, end = event.start, event.end
    if not first_day and rng.random() < rates.day_shift:
        shift = dt.timedelta(days=rng.choice((-3, -2, -1, 1, 2, 3)))
        start, end = start + shift, end + shift
        noise.append("date_shift")
    return start.isoformat(), end.isoformat()


def _report(rng, number: int, event: Event, reporter: str, role: str, world: dict) -> Report:
    rates: Rates = world["rates"]
    insts = world["institutions"]
    noise: list[str] = []
    host, partners = event.host, [p for p in event.partners if p[0] != reporter]
    if role in ("co_organiser", "trainer_provider") and rng.random() < rates.self_named_host:
        host, partners = reporter, [(event.host, "co_organiser"), *partners]
        noise.append("self_named_host")
    language = next(c.language for c in words.COUNTRIES if c.code == insts[reporter].country)
    text = host_text(rng, insts[host], language, rates.sloppy_host, noise)
    course = world["courses"][event.course]
    start, end = _date(rng, event, rates, world["first_day"], noise)
    if start and len(start) == 10:
        world["first_day"] = False
    on_host = role == "host"
    has_breakdown = rng.random() < (
        rates.breakdown_on_host if on_host else rates.breakdown_on_other
    )
    if has_breakdown:  # a report that lists people by country states their exact total
        count, qualifier = event.participants, "exact"
    else:
        count, qualifier = participants(rng, event.participants, on_host, rates, noise)
    topics = () if rng.random() < rates.no_topic else event.topics
    if not topics:
        noise.append("no_topic")
    return Report(
        key=f"w2-r{number:06d}",
        event=event.id,
        reporter=reporter,
        role=role,
        host=host,
        host_text=text,
        title=title(rng, course, event, language, rates.titles, noise),
        start=start,
        end=end,
        city=event.city if rng.random() < 0.85 else None,
        country=event.country if rng.random() < 0.95 else None,
        participants=count,
        qualifier=qualifier,
        breakdown=dict(event.breakdown) if has_breakdown else {},
        partners=partners if rng.random() < 0.6 or host != event.host else [],
        topics=topics,
        target_groups=event.target_groups if rng.random() < 0.5 else (),
        noise=noise,
    )


def _claims(rng: random.Random, world: World, rates: Rates) -> None:
    """Collaboration claims between partners of events: confirmed (both claim) or one-sided;
    a one-sided pair sometimes has a claim back from the partner's *parent* (a trap: that is
    not a confirmation)."""
    pairs = sorted(
        {
            tuple(sorted((e.host, key)))
            for e in world.events.values()
            for key, _role in e.partners
            if key != e.host
        }
    )
    rng.shuffle(pairs)
    wanted = max(1, round(len(world.events) * rates.claims_per_event / 2))
    types = ("training_participation", "materials_exchange", "seminar", "joint_delivery")
    for a, b in pairs[:wanted]:
        kind = rng.choice(types)
        confirmed = rng.random() < rates.confirmed_claims
        world.pair_status[a, b] = "confirmed" if confirmed else "one-sided"
        claimant, partner = (a, b) if rng.random() < 0.5 else (b, a)
        sides = [(claimant, partner), (partner, claimant)] if confirmed else [(claimant, partner)]
        parent = world.institutions[partner].parent
        # (a claimant that is the partner's parent makes no claim back to itself)
        if not confirmed and parent and rng.random() < 0.3 and parent != claimant:
            sides.append((parent, claimant))
        for who, other in sides:
            world.claims.append(
                Claim(f"w2-k{len(world.claims):05d}", who, other, None, kind),
            )


def generate(n_events: int, seed: int = 1, rates: Rates | None = None) -> World:
    """A world of about ``n_events`` true events and their reports (deterministic per seed)."""
    rates = rates or Rates()
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by design
    institutions = _institutions(rng, max(40, n_events // rates.events_per_institution) + 1)
    courses: dict[str, Course] = {}
    events = _events(rng, n_events, rates, institutions, courses)
    world = World(seed, rates, institutions, courses, events, [], [], {}, {})
    state = {"rates": rates, "institutions": institutions, "courses": courses}
    for event in events.values():
        state["first_day"] = True
        for reporter, role in _reporters(rng, event, rates, institutions):
            world.reports.append(_report(rng, len(world.reports), event, reporter, role, state))
    rng.shuffle(world.reports)  # reports arrive in no particular order
    _claims(rng, world, rates)
    for (country, group, topic), people in true_supply(world).items():
        world.demand[country, group, topic] = round(people * rng.uniform(0.5, 2.0))
    return world


def true_supply(world: World) -> dict[tuple[str, str, str], int]:
    """People trained per (country, target group, topic): each event once, every country of its
    true breakdown, counted under each of its target groups and topics (as nscap's supply
    counts an event with two topics once under each)."""
    out: dict[tuple[str, str, str], int] = {}
    for event in world.events.values():
        for country, people in event.breakdown.items():
            for group in event.target_groups:
                for topic in event.topics:
                    out[country, group, topic] = out.get((country, group, topic), 0) + people
    return out
