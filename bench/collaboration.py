"""Collaboration depth and network metrics at scale (issue 4: 5,000 institutions in ≤ 2 s).

    python bench/collaboration.py [--institutions 5000] [--claims-per 4] [--runs 5]

Builds a synthetic registry in a throwaway SQLite file: institutions in 30 countries, one in
ten with a parent; claims drawn with preferential attachment (a few hubs, a long tail), of every
type, status and confirmation, a tenth of them restricted. Times ``collaboration_picture`` for a
visitor and for a steward: the reading of visible claims, depth judgement, the networkx graph,
density, reciprocity and the three centralities, end to end (database reads included).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import record, setup_django, summary, timed  # noqa: E402

COUNTRIES = [
    *("CN", "JP", "KR", "ID", "MY", "VN", "TH", "PH", "MN", "MM", "KH", "LA", "SG", "BN", "IN"),
    *("PK", "BD", "LK", "NP", "AU", "NZ", "US", "GB", "FR", "DE", "RU", "KZ", "UZ", "AE", "SA"),
]


def build(institutions: int, claims_per: int, seed: int = 7) -> int:
    from nscap.collaboration.choices import CollaborationStatus, CollaborationType, Confirmation
    from nscap.collaboration.models import CollaborationClaim
    from nscap.institutions.models import Institution

    rng = random.Random(seed)
    Institution.objects.bulk_create(
        Institution(
            key=f"inst-{n}",
            name=f"Institution {n}",
            kind="center_of_excellence" if n % 7 else "regulator",
            country=rng.choice(COUNTRIES),
            sensitivity="restricted" if n % 50 == 0 else "public",
        )
        for n in range(institutions)
    )
    pks = list(Institution.objects.order_by("pk").values_list("pk", flat=True))
    children = [
        Institution(pk=pk, parent_id=rng.choice(pks[:200]), parent_role="government_agency")
        for pk in pks[200::10]
    ]
    Institution.objects.bulk_update(children, ["parent_id", "parent_role"], batch_size=1000)
    types = list(CollaborationType.values)
    statuses = list(CollaborationStatus.values)
    confirmations = list(Confirmation.values)
    attachment = list(pks)  # preferential attachment: partners once named are named again
    claims, seen = [], set()
    for n in range(institutions * claims_per):
        claimant = rng.choice(pks)
        partner = rng.choice(attachment)
        claim_type = rng.choice(types)
        if partner == claimant or (claimant, partner, claim_type) in seen:
            continue
        seen.add((claimant, partner, claim_type))
        attachment.append(partner)
        country_only = rng.random() < 0.05
        claims.append(
            CollaborationClaim(
                key=f"claim-{n}",
                claimant_id=claimant,
                partner_id=None if country_only else partner,
                partner_country=rng.choice(COUNTRIES) if country_only else "",
                type=claim_type,
                status=rng.choice(statuses),
                confirmation=rng.choices(confirmations, weights=[6, 3, 1])[0],
                sensitivity="restricted" if rng.random() < 0.1 else "public",
            )
        )
    CollaborationClaim.objects.bulk_create(claims, batch_size=2000)
    # Answer about half of the claims with one back, of the same type or another.
    backs = [
        CollaborationClaim(
            key=f"back-{n}",
            claimant_id=claim.partner_id,
            partner_id=claim.claimant_id,
            type=claim.type if rng.random() < 0.6 else rng.choice(types),
            status=rng.choice(statuses),
        )
        for n, claim in enumerate(claims)
        if claim.partner_id and rng.random() < 0.5
    ]
    CollaborationClaim.objects.bulk_create(backs, batch_size=2000, ignore_conflicts=True)
    return CollaborationClaim.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--institutions", type=int, default=5000)
    parser.add_argument("--claims-per", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    setup_django()
    from django.contrib.auth.models import User

    from nscap.collaboration.metrics import collaboration_picture

    total = build(args.institutions, args.claims_per)
    steward = User.objects.create_superuser("bench-steward", password="x" * 20)  # noqa: S106
    print(f"{args.institutions} institutions, {total} claims, {args.runs} runs each")
    rows = []
    for label, user in (("visitor", None), ("steward", steward)):
        picture = collaboration_picture(user)
        network = picture.network
        cpu_start = time.process_time()
        stats = summary(timed(lambda user=user: collaboration_picture(user), args.runs))
        cpu = (time.process_time() - cpu_start) / (args.runs + 1) * 1000
        print(
            f"  {label:8s} median {stats['median_ms']:7.1f} ms  p95 {stats['p95_ms']:7.1f} ms  "
            f"({network.institutions} nodes, {network.links} links, density "
            f"{network.density:.5f}, reciprocity {network.reciprocity_rate or 0:.2f}, "
            f"betweenness sampled: {network.betweenness_sampled}); CPU {cpu:.0f} ms per run"
        )
        rows.append(
            (
                f"collaboration_picture, {label}, {args.institutions} institutions, "
                f"{total} claims ({network.institutions} nodes, {network.links} links)",
                f"median {stats['median_ms']:.0f} ms, p95 {stats['p95_ms']:.0f} ms "
                f"(CPU {cpu:.0f} ms per run; shared machine, load {os.getloadavg()[0]:.1f})",
            )
        )
    if not args.no_record:
        record("collaboration", rows)


if __name__ == "__main__":
    main()
