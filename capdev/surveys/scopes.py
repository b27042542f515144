"""How survey models are reached by grants (see capdev.core.scoping).

The choices made here:

* **Surveys are the Office's.** Admin, HQ and office staff create and edit them (not
  specialists, focal points, evaluators or viewers). Office staff change the surveys run by
  an office covering one of their countries (the survey's `owner_office`); a survey without
  an office running it is changed by admin and HQ only.
* **An open or closed survey is seen by every user holding a grant** (a focal point must see
  it to answer it), its questions and choices too. **A draft is seen only by those who may
  change it**: for surveys, viewing non-public rows is limited to the writing roles
  (`WritersSeeDrafts`), so a specialist, a focal point, an evaluator or a viewer never sees a
  draft, whatever their geographic scope. An account without a grant sees nothing.
* **Responses follow the respondent** — the organisation's country, region, constituent
  group and the organisation itself, like memberships and contacts: office staff see the
  responses from organisations in their countries, a specialist those of their group (in
  their region, if the grant names one), a focal point their own organisation's responses
  only, a viewer their region, country or organisation. The country and group are those
  stored on the response: the organisation's, copied at submission and moved with it when the
  organisation changes country or group (capdev.surveys.receivers, so the new office sees the
  response and the old one no longer does). A response without an organisation carries its
  own group and, optionally, a country, and is reached through those.
* **Who may respond:** every writing role (admin, HQ, office staff, specialists, focal
  points), for a respondent inside their scope — a focal point answers for their own
  organisation, the Office may enter a paper questionnaire for an organisation it covers.
  Evaluators and viewers, who write nothing, do not respond. Responses are not edited once
  submitted; only admin and HQ delete one.
* **Answers and selections** follow their response.
* **Aggregated results** shown to a user are computed over the responses that user may see
  (capdev.surveys.selectors.survey_results), and the page says over how many.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from capdev.core.models import Role
from capdev.core.scoping import WRITING_ROLES, Action, ScopePaths, register
from capdev.surveys.models import Answer, Choice, Question, Response, Selection, Survey

SURVEY_WRITERS = frozenset({Role.ADMIN, Role.HQ, Role.OFFICE})
RESPONSE_DELETERS = frozenset({Role.ADMIN, Role.HQ})
PUBLISHED = (Survey.Status.OPEN, Survey.Status.CLOSED)


@dataclass(frozen=True)
class WritersSeeDrafts(ScopePaths):
    """Non-public rows (drafts) are seen only through grants whose role may change them;
    public rows (open and closed surveys) by every grant."""

    def roles_for(self, action: Action) -> frozenset[str] | None:
        if action is Action.VIEW:
            return self.writers
        return super().roles_for(action)


def _survey_paths(prefix: str) -> ScopePaths:
    return WritersSeeDrafts(
        country=f"{prefix}owner_office__countries",
        region=f"{prefix}owner_office__countries__region",
        public=Q(**{f"{prefix}status__in": PUBLISHED}),
        many=True,
        writers=SURVEY_WRITERS,
    )


register(Survey, _survey_paths(""))
register(Question, _survey_paths("survey__"))
register(Choice, _survey_paths("question__survey__"))


def _response_paths(prefix: str) -> ScopePaths:
    return ScopePaths(
        country=f"{prefix}country",
        region=f"{prefix}country__region",
        group=f"{prefix}group",
        organisation=f"{prefix}organisation",
        writers=frozenset(WRITING_ROLES),
        administrators=frozenset(WRITING_ROLES),
    )


register(Response, _response_paths(""))
register(Answer, _response_paths("response__"))
register(Selection, _response_paths("answer__response__"))
