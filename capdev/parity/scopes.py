"""How parity models are reached by grants (see capdev.core.scoping).

- **Meetings** are public reference records: every user holding a grant sees every meeting
  (its name, date and place), as they see instruments or SDG targets. Creating, editing and
  deleting meetings is for HQ and administrators.
- **Delegation members** follow their member State, like the State's organisations: office
  staff see the delegations of the countries their office covers, a viewer those of their
  region or country, a focal point their own country's (all three groups: the delegation is
  the State's, not the organisation's), a specialist their group's members (worldwide, or in
  the region the grant names). HQ, administrators and evaluators see all.
- **Writes are central.** Only HQ and administrators import delegation lists or change the
  members. An import replaces the whole delegation of a meeting from one file, which is how
  the Conference's list of delegations is compiled (centrally, from the credentials); an
  office importing for its countries only would leave the meeting's list half-replaced, so
  offices read but do not import.
- **Import records** (file name, counts, who imported) are the Office's, as participant
  imports are: every Office grant sees them, a constituent's grant does not.
- **The parity target** (30% minimum, parity as the goal) is visible to everyone with a
  grant, and changed by HQ and administrators only. Its two figures are printed beside every
  share the parity pages show, to any signed-in reader: they are the published threshold,
  not a record of anyone's.
"""

from __future__ import annotations

from django.db.models import Q

from capdev.core.models import Role
from capdev.core.scoping import ScopePaths, register
from capdev.parity.models import DelegationImport, DelegationMember, Meeting, ParityTarget

CENTRAL_WRITERS = frozenset({Role.ADMIN, Role.HQ})
EVERY_ROW = Q(pk__isnull=False)

register(Meeting, ScopePaths(public=EVERY_ROW, writers=CENTRAL_WRITERS))
register(ParityTarget, ScopePaths(public=EVERY_ROW, writers=CENTRAL_WRITERS))
register(
    DelegationMember,
    ScopePaths(
        country="country",
        region="country__region",
        group="group",
        writers=CENTRAL_WRITERS,
    ),
)
register(
    DelegationImport,
    ScopePaths(public=EVERY_ROW, writers=CENTRAL_WRITERS, office_internal=True),
)
