"""The surveys part of the synthetic demo dataset: one constituent survey (§8, Figure 1).

"Constituent capacity-development survey (demo)" asks respondents to choose three of the
approaches §8 names as making the Office's capacity development more effective (ownership;
accountability; alignment with national priorities; direct participation of beneficiary
organisations in planning, implementation and evaluation; support to local training
providers; opportunities to apply the skills acquired), with a single-choice, an agreement
(Likert) and a free-text question, in English, French, Spanish and Chinese.

About 300 synthetic responses come from government, workers' and employers' organisations
(and a few others). Each group picks its three approaches with invented preferences — broadly
alike across groups, as §8 reports of the real survey, with the first four approaches ahead —
so the demo's Figure 1 has the paper's shape without reproducing its figures, which the paper
does not give. Nothing here is a real answer or a real statistic. The survey draws from a
random generators of its own, and the answers one of their own: its figures do not move when
other parts of the demo change, nor with the organisations that answer.

(Footnote 12 of the source says the real question offered seven options; §8 names six, and
the demo offers exactly those six rather than invent a seventh.)
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from capdev.core.models import ConstituentGroup, Office, Organisation
from capdev.surveys.models import Answer, Choice, Question, Response, Selection, Survey

G = ConstituentGroup
SEED = 20170807  # the survey's own generator
TITLE = {
    "en": "Constituent capacity-development survey (demo)",
    "fr": "Enquête auprès des mandants sur le renforcement des capacités (démo)",
    "es": "Encuesta a los mandantes sobre desarrollo de la capacidad (demo)",
    "zh": "三方成员能力发展调查（演示）",
}
DESCRIPTION = {
    "en": "Synthetic demo record. Which approaches make capacity development more relevant, "
    "effective and sustainable? Invented answers, for trying the survey pages.",
    "fr": "Enregistrement de démonstration synthétique. Quelles approches rendent le "
    "renforcement des capacités plus pertinent, efficace et durable ? Réponses inventées.",
    "es": "Registro de demostración sintético. ¿Qué enfoques hacen el desarrollo de la "
    "capacidad más pertinente, eficaz y sostenible? Respuestas inventadas.",
    "zh": "合成演示记录。哪些方法能使能力发展更具相关性、有效性和可持续性？答复均为虚构。",
}
PICK_QUESTION = {
    "en": "Which three approaches would most improve the relevance, impact and sustainability "
    "of the Office's capacity-development activities? Choose three.",
    "fr": "Quelles trois approches amélioreraient le plus la pertinence, l'impact et la "
    "durabilité des activités de renforcement des capacités du Bureau ? Choisissez-en trois.",
    "es": "¿Qué tres enfoques mejorarían más la pertinencia, el impacto y la sostenibilidad de "
    "las actividades de desarrollo de la capacidad de la Oficina? Elija tres.",
    "zh": "哪三种方法最能提高劳工局能力发展活动的重要性、影响和可持续性？请选择三项。",
}
# The approaches §8 names, in its order.
APPROACHES = [
    {
        "en": "Ownership by the constituents",
        "fr": "Appropriation par les mandants",
        "es": "Apropiación por los mandantes",
        "zh": "三方成员的主导权",
    },
    {
        "en": "Accountability",
        "fr": "Redevabilité",
        "es": "Rendición de cuentas",
        "zh": "问责",
    },
    {
        "en": "Alignment with national priorities",
        "fr": "Alignement sur les priorités nationales",
        "es": "Alineación con las prioridades nacionales",
        "zh": "与国家优先事项相一致",
    },
    {
        "en": "Direct participation of beneficiary organisations in planning, "
        "implementation and evaluation",
        "fr": "Participation directe des organisations bénéficiaires à la planification, "
        "à la mise en œuvre et à l'évaluation",
        "es": "Participación directa de las organizaciones beneficiarias en la planificación, "
        "la ejecución y la evaluación",
        "zh": "受益组织直接参与规划、执行和评价",
    },
    {
        "en": "Support to local training providers",
        "fr": "Soutien aux prestataires de formation locaux",
        "es": "Apoyo a los proveedores locales de formación",
        "zh": "支持当地培训提供者",
    },
    {
        "en": "Opportunities to apply the skills acquired",
        "fr": "Possibilités d'appliquer les compétences acquises",
        "es": "Oportunidades para aplicar las competencias adquiridas",
        "zh": "提供应用所获技能的机会",
    },
]
SINGLE_QUESTION = {
    "en": "How often has your organisation taken part in the Office's capacity-development "
    "activities in the last two years?",
    "fr": "À quelle fréquence votre organisation a-t-elle participé aux activités de "
    "renforcement des capacités du Bureau au cours des deux dernières années ?",
    "es": "¿Con qué frecuencia ha participado su organización en actividades de desarrollo de "
    "la capacidad de la Oficina en los dos últimos años?",
    "zh": "过去两年中，贵组织参加劳工局能力发展活动的频率如何？",
}
FREQUENCIES = [
    {"en": "Never", "fr": "Jamais", "es": "Nunca", "zh": "从未参加"},
    {"en": "Once", "fr": "Une fois", "es": "Una vez", "zh": "一次"},
    {
        "en": "Two to five times",
        "fr": "Deux à cinq fois",
        "es": "De dos a cinco veces",
        "zh": "两到五次",
    },
    {
        "en": "More than five times",
        "fr": "Plus de cinq fois",
        "es": "Más de cinco veces",
        "zh": "五次以上",
    },
]
LIKERT_QUESTION = {
    "en": "The capacity-development support my organisation received met its needs.",
    "fr": "L'appui au renforcement des capacités reçu par mon organisation a répondu à ses "
    "besoins.",
    "es": "El apoyo al desarrollo de la capacidad que recibió mi organización respondió a sus "
    "necesidades.",
    "zh": "本组织获得的能力发展支持满足了其需要。",
}
TEXT_QUESTION = {
    "en": "What else would make capacity development more effective for your organisation?",
    "fr": "Qu'est-ce qui rendrait encore le renforcement des capacités plus efficace pour "
    "votre organisation ?",
    "es": "¿Qué más haría más eficaz el desarrollo de la capacidad para su organización?",
    "zh": "还有哪些做法能使能力发展对贵组织更有效？",
}
TEXTS = [
    "More follow-up after courses (synthetic answer).",
    "Training materials in our own language (synthetic answer).",
    "Involve our members earlier, when the activity is designed (synthetic answer).",
    "Longer programmes rather than one-off workshops (synthetic answer).",
    "Help to keep trained staff in the organisation (synthetic answer).",
    "Exchanges with similar organisations in the region (synthetic answer).",
]
# Invented weights of each approach (APPROACHES order) by group: alike across groups, the
# first four ahead (§8: the views of the three groups are consistent).
PREFERENCES = {
    G.GOVERNMENT: [3.2, 2.4, 3.6, 2.6, 1.1, 1.2],
    G.WORKERS: [3.4, 2.6, 2.3, 3.8, 1.0, 1.3],
    G.EMPLOYERS: [3.0, 2.5, 2.8, 2.7, 1.3, 1.6],
    G.OTHER: [2.5, 2.5, 2.5, 2.5, 2.0, 2.0],
}
# Invented: how often each group took part (FREQUENCIES order) and how far it agrees (1–5).
FREQUENCY_WEIGHTS = {
    G.GOVERNMENT: [1, 3, 5, 3],
    G.WORKERS: [2, 4, 4, 2],
    G.EMPLOYERS: [2, 4, 4, 2],
    G.OTHER: [3, 3, 2, 1],
}
AGREEMENT_WEIGHTS = {
    G.GOVERNMENT: [1, 2, 4, 8, 4],
    G.WORKERS: [2, 4, 5, 6, 3],
    G.EMPLOYERS: [1, 3, 5, 7, 3],
    G.OTHER: [1, 3, 5, 5, 2],
}
RESPONDENTS = {G.GOVERNMENT: 105, G.WORKERS: 90, G.EMPLOYERS: 90, G.OTHER: 15}
OPENS = datetime.date(2025, 1, 15)
LAST_DAY = datetime.date(2025, 6, 30)  # the demo's "today", as elsewhere


def _weighted_sample(rng: random.Random, weights: Sequence[float], k: int) -> list[int]:
    """k distinct indexes drawn with probability proportional to their weights."""
    pool = list(range(len(weights)))
    chosen = []
    for _ in range(k):
        pick = rng.choices(pool, weights=[weights[i] for i in pool])[0]
        chosen.append(pick)
        pool.remove(pick)
    return chosen


def _question(survey: Survey, position: int, kind: str, label: dict, **fields) -> Question:
    return Question.objects.create(
        survey=survey, position=position, kind=kind, label=label, **fields
    )


def _choices(question: Question, labels: list[dict]) -> list[Choice]:
    return [
        Choice.objects.create(question=question, position=n, label=label)
        for n, label in enumerate(labels, start=1)
    ]


@transaction.atomic
def seed(*, rng: random.Random, organisations: list[Organisation], offices: list[Office]) -> int:
    """Create the demo survey and its synthetic responses; return how many responses.

    `rng` is not drawn from (the survey has its own generator, see the module docstring).
    Respondents are drawn from `organisations` by group; several may answer for the same
    organisation when there are few. Responses of a group with no organisation are skipped.
    """
    local = random.Random(SEED)  # who answers, and when
    answering = random.Random(SEED + 1)  # what they answer: the same whatever the organisations
    # Development cooperation's department runs it where the demo has one (the real survey
    # prepared the Conference's 2018 discussion of development cooperation).
    departments = [o for o in offices if o.kind == Office.Kind.HQ_DEPARTMENT]
    owner = next((o for o in departments if o.acronym == "PARDEV"), None) or next(
        iter(departments), None
    )
    survey = Survey.objects.create(
        title=TITLE,
        description=DESCRIPTION,
        status=Survey.Status.OPEN,
        opens=OPENS,
        owner_office=owner,
    )
    pick = _question(survey, 1, Question.Kind.PICK_K, PICK_QUESTION, k=3)
    approaches = _choices(pick, APPROACHES)
    single = _question(survey, 2, Question.Kind.SINGLE, SINGLE_QUESTION)
    frequencies = _choices(single, FREQUENCIES)
    likert = _question(survey, 3, Question.Kind.LIKERT, LIKERT_QUESTION)
    text = _question(survey, 4, Question.Kind.TEXT, TEXT_QUESTION, required=False)

    by_group: dict[str, list[Organisation]] = {}
    for organisation in sorted(organisations, key=lambda o: o.pk):
        by_group.setdefault(organisation.group, []).append(organisation)
    responses: list[Response] = []
    span = (LAST_DAY - OPENS).days
    for group, count in RESPONDENTS.items():
        pool = by_group.get(group, [])
        if not pool:
            continue
        drawn = local.sample(pool, min(count, len(pool)))
        drawn += [local.choice(pool) for _ in range(count - len(drawn))]
        for organisation in drawn:
            day = OPENS + datetime.timedelta(days=local.randrange(span + 1))
            moment = datetime.datetime.combine(
                day, datetime.time(local.randrange(7, 19), local.randrange(60)), datetime.UTC
            )
            responses.append(
                Response(
                    survey=survey,
                    group=group,
                    organisation=organisation,
                    country_id=organisation.country_id,
                    submitted_at=moment,
                    source=Response.Source.DEMO,
                )
            )
    responses = bulk_create_with_history(responses, Response, batch_size=500)
    answers: list[Answer] = []
    chosen: list[list[Choice]] = []
    for response in responses:
        group = response.group
        answers.append(Answer(response=response, question=pick))
        chosen.append(
            [approaches[i] for i in _weighted_sample(answering, PREFERENCES[group], pick.k)]
        )
        answers.append(Answer(response=response, question=single))
        chosen.append(answering.choices(frequencies, weights=FREQUENCY_WEIGHTS[group]))
        value = answering.choices(range(1, 6), weights=AGREEMENT_WEIGHTS[group])[0]
        answers.append(Answer(response=response, question=likert, likert=value))
        chosen.append([])
        if answering.random() < 0.25:
            answers.append(Answer(response=response, question=text, text=answering.choice(TEXTS)))
            chosen.append([])
    answers = bulk_create_with_history(answers, Answer, batch_size=1000)
    selections = [
        Selection(answer=answer, choice=choice)
        for answer, picked in zip(answers, chosen, strict=True)
        for choice in picked
    ]
    bulk_create_with_history(selections, Selection, batch_size=2000)
    return len(responses)


def reset() -> None:
    """Remove every survey, question, response and answer, with their history (runs before
    the core reset: responses protect their organisations)."""
    with transaction.atomic():
        for model in (Selection, Answer, Response, Choice, Question, Survey):
            model.objects.all().delete()
            model.history.all().delete()
