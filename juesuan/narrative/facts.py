"""Every number of the 情况说明 prose as a typed fact, with the sentence it was printed in.

A number's meaning is read from the words right before it (the cue: 年初预算为, 占, 增长 …,
cues.csv) and what it is about from the words before the cue (the subject, subjects.csv). A number
without a subject of its own is about the subject last named (占 86.37% after 基本支出 2084.48
万元; 年初预算为 … after an item's title). Reasons, 主要包括 lists and the numbered items of
budget-versus-final explanations are collected alongside. A sentence with a number that nothing
here understood is returned as Unparsed, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from juesuan.amounts import UNIT_FACTORS, AmountError, to_yuan
from juesuan.narrative.mentions import Mention, clauses, mentions
from juesuan.narrative.records import Composition, Fact, ItemExecution, Reason, Unparsed
from juesuan.narrative.sections import Explanation, Paragraph, Sentence
from juesuan.narrative.subjects import MAX_SUBJECT_LENGTH, Subject, clean, subject_of
from juesuan.narrative.vocab import Cue, cues, matching_form, phrase, phrases, units
from juesuan.textnorm import MEMO_SIZE, printed_name, strip_enumeration

_MONEY_MEASURES = frozenset({"initial_budget", "adjusted_budget", "budget", "final"})
_PERCENT_MEASURES = frozenset({"completion_rate", "share_percent"})
_CHANGE = {"money": "change_amount", "percent": "change_percent", "count": "change_count"}
_BY_KIND = {"money": "amount", "count": "count", "percent": "percent", "score": "score"}
_VARIANCE_MEASURES = _MONEY_MEASURES | {"completion_rate"}
_TERMINATORS = "。;!?！？；"
# Where a reason's lead stops naming its subject: 三公经费支出|决算数与预算数存在差异的.
_REASON_SUBJECT_END = re.compile(r"决算数?(?:与|大于|小于|和|比|不)|存在差异|的$")
_REASON_LEAD = re.compile(r"^\s*(?:是|为|有|在于)?\s*[:：]?\s*")
_PURPOSE_LEAD = re.compile(r"主要用于\s*[:：]\s*")


@dataclass
class _Item:
    """A numbered item being read: its subject is set by its first sentence."""

    number: str
    section: str
    topic: str
    ref: str
    subject: Subject | None = None
    facts: list[Fact] = field(default_factory=list)
    purpose: str | None = None
    reason: str | None = None


@dataclass
class _Context:
    """What the sentences read so far say about the ones that follow."""

    current: Subject | None = None  # the subject last named
    # The subject last named per kind of unit (money, percent, score; counts by their own unit,
    # so that 台(套) of equipment are never a part of 辆 of vehicles).
    last_by_kind: dict[str, str] = field(default_factory=dict)
    parents: dict[str, str] | None = None  # set at 其中, kept until a sentence ends with 。
    parent_of: dict[str, str] = field(default_factory=dict)  # subject → its parent, same scope
    money_unit: str | None = None  # the money unit last printed in the paragraph
    last_measure: str | None = None


@dataclass
class FactsResult:
    facts: list[Fact] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    compositions: list[Composition] = field(default_factory=list)
    item_executions: list[ItemExecution] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)


@lru_cache(maxsize=MEMO_SIZE)
def _match_cue(lead: str) -> tuple[Cue, str, str | None]:
    """The cue ending `lead`, the words before it, and a share's base if printed."""
    for cue in cues():
        match = cue.pattern.search(lead)
        if match:
            base = match.groupdict().get("base")
            return cue, lead[: match.start()], clean(base) if base else None
    raise AssertionError("cues.csv must end with a generic cue that always matches")


def _vague_measure(subject: Subject) -> str | None:
    return next((p.measure for p in phrases("vague") if p.pattern.search(subject.name)), None)


def _measure(cue: Cue, kind: str, subject: Subject, hint: str | None) -> str | None:
    if cue.measure == "change":
        return _CHANGE.get(kind)
    if cue.measure:
        fits = (cue.measure in _MONEY_MEASURES and kind == "money") or (
            cue.measure in _PERCENT_MEASURES and kind == "percent"
        )
        return cue.measure if fits else None
    if hint:
        return hint
    if kind == "money" and subject.measure:
        return subject.measure
    return _BY_KIND.get(kind)


def _value(mention: Mention, unit: str, sign: int) -> Decimal:
    value = mention.value
    spec = units()[unit]
    if spec.kind == "money":
        value = to_yuan(value, unit) if unit in UNIT_FACTORS else value * (spec.factor or 1)
    return -value if sign < 0 and value > 0 else value


class _Reader:
    """Reads the paragraphs of one explanation in order, carrying context between sentences."""

    def __init__(self) -> None:
        self.out = FactsResult()
        self.section: str | None = None
        self.context = _Context()
        self.item: _Item | None = None
        self.reason: tuple[Reason, list[str]] | None = None

    # -- scopes ---------------------------------------------------------------------------------
    def paragraph(self, paragraph: Paragraph) -> None:
        if paragraph.section != self.section:
            self.close_item()
            self.section, self.context = paragraph.section, _Context()
        if paragraph.item_start or paragraph.item is None:
            self.close_item()
        if paragraph.item_start and paragraph.item:
            self.item = _Item(paragraph.item, paragraph.section, paragraph.topic, paragraph.ref)
        self.context.money_unit, self.context.parents = None, None
        self.context.parent_of.clear()
        for index, sentence in enumerate(paragraph.sentences):
            self.sentence(paragraph, sentence, first_of_item=paragraph.item_start and index == 0)
            if sentence.terminator not in ";；":
                self.context.parents = None
                self.context.parent_of.clear()
        self.close_reason()

    def close_item(self) -> None:
        item, self.item = self.item, None
        if item is None or item.subject is None:
            return
        stated = {f.measure: f.value for f in item.facts if f.subject == item.subject.name}
        if not stated.keys() & (_MONEY_MEASURES | {"completion_rate"}):
            return
        self.out.item_executions.append(
            ItemExecution(
                topic=item.topic,
                section=item.section,
                number=item.number,
                subject=item.subject.name,
                class_name=item.subject.class_name,
                subclass_name=item.subject.subclass_name,
                item_name=item.subject.item_name,
                initial_budget=stated.get("initial_budget"),
                adjusted_budget=stated.get("adjusted_budget"),
                budget=stated.get("budget"),
                final=stated.get("final"),
                completion_rate=stated.get("completion_rate"),
                purpose=item.purpose,
                reason=item.reason,
                ref=item.ref,
            )
        )

    def close_reason(self) -> None:
        if self.reason is None:
            return
        reason, parts = self.reason
        self.reason = None
        text = "".join(parts).strip().rstrip("。；;").strip()
        self.out.reasons.append(
            Reason(reason.topic, reason.section, reason.subject, reason.kind, text,
                   reason.sentence, reason.ref)
        )  # fmt: skip
        if self.item and reason.kind == "variance_reason" and self.item.reason is None:
            self.item.reason = text

    # -- sentences ------------------------------------------------------------------------------
    def sentence(self, paragraph: Paragraph, sentence: Sentence, first_of_item: bool) -> None:
        text = matching_form(sentence.text).rstrip(_TERMINATORS)
        if first_of_item:
            text = strip_enumeration(text)
        if self.reason is not None:
            if not mentions(text):
                self.reason[1].append(sentence.text)
                if sentence.terminator not in ";；":
                    self.close_reason()
                return
            self.close_reason()

        reason_at = phrase("reason").search(text)
        body = text[: reason_at.start()] if reason_at else text
        listed = phrase("composition").search(body)
        items_text = body[listed.end() :] if listed else None
        body = body[: listed.start()] if listed else body
        purpose = phrase("purpose").search(body)
        if purpose:
            body = body[: purpose.start()]
            if self.item is not None:
                found = _PURPOSE_LEAD.search(sentence.text)
                tail = sentence.text[found.end() :] if found else ""
                self.item.purpose = tail.strip().rstrip("。；;").strip() or None

        facts, failures = self.scan(paragraph, sentence, body)
        if first_of_item and self.item is not None:
            if facts:
                self.item.subject = subject_of_fact(facts[0])
            elif not mentions(body):
                self.item.subject = subject_of(body)
                self.context.current = self.item.subject or self.context.current
        if self.item is not None:
            self.item.facts.extend(facts)
        self.out.facts.extend(facts)

        if items_text is not None and self.context.current:
            names = [printed_name(n) for n in re.split("、", items_text.rstrip("等,;:"))]
            self.out.compositions.append(
                Composition(paragraph.topic, paragraph.section, self.context.current.name,
                            tuple(n.removesuffix("等") for n in names if n), sentence.text,
                            sentence.ref)
            )  # fmt: skip
        if reason_at:
            self.open_reason(paragraph, sentence, text[: reason_at.start()])

        has_numbers = bool(mentions(body)) or "万元" in body or "%" in body
        if has_numbers and not facts:
            self.out.unparsed.append(
                Unparsed(paragraph.topic, paragraph.section, sentence.text, sentence.ref,
                         "no pattern matched", body)
            )  # fmt: skip
        elif facts:
            self.out.unparsed.extend(failures)

    def open_reason(self, paragraph: Paragraph, sentence: Sentence, lead: str) -> None:
        if phrase("variance").search(lead) or self.context.last_measure in _VARIANCE_MEASURES:
            kind = "variance_reason"
        else:
            kind = "change_reason"
        # Named only by a lead like 三公经费支出决算数与预算数存在差异的; after numbers in the same
        # sentence (…增长 1681.14%，主要原因为…) the reason is about the subject last named.
        cut = _REASON_SUBJECT_END.search(lead)
        named = subject_of(lead[: cut.start()]) if cut and not mentions(lead) else None
        subject = named or self.context.current
        printed = sentence.text
        at = min(i for i in (printed.find("主要原因"), printed.find("原因主要")) if i >= 0)
        tail = _REASON_LEAD.sub("", printed[at + 4 :], count=1)
        reason = Reason(paragraph.topic, paragraph.section, subject.name if subject else None,
                        kind, "", sentence.text, sentence.ref)  # fmt: skip
        self.reason = (reason, [tail])
        if sentence.terminator not in ";；":
            self.close_reason()

    # -- clauses --------------------------------------------------------------------------------
    def scan(
        self, paragraph: Paragraph, sentence: Sentence, body: str
    ) -> tuple[list[Fact], list[Unparsed]]:
        """The facts of a sentence's clauses, and the numbers among them that could not be read."""
        facts: list[Fact] = []
        failures: list[Unparsed] = []
        pending: list[str] = []  # clauses without numbers since the last one with numbers
        where = (paragraph, sentence)
        for clause in clauses(body):
            if clause.part and self.context.parents is None:
                self.context.parents = dict(self.context.last_by_kind)
            found = mentions(clause.text)
            if not found:
                stated = self.phrase_facts(where, clause.text)
                facts.extend(stated)
                if not stated:
                    pending.append(clause.text)
                continue
            for index, mention in enumerate(found):
                start = found[index - 1].end if index else 0
                stop = found[index + 1].start if index + 1 < len(found) else len(clause.text)
                lead, trail = clause.text[start : mention.start], clause.text[mention.end : stop]
                read = self.resolve(mention, lead, trail, pending, facts)
                if isinstance(read, str):
                    failures.append(
                        Unparsed(paragraph.topic, paragraph.section, sentence.text,
                                 sentence.ref, read, clause.text)
                    )  # fmt: skip
                    continue
                subject, measure, value, unit, cue, base = read
                facts.append(
                    self.fact(where, subject, measure, value, unit, mention.printed,
                              bool(mention.unit), cue, base)
                )  # fmt: skip
            pending.clear()
        return facts, failures

    def resolve(
        self, mention: Mention, lead: str, trail: str, pending: list[str], facts: list[Fact]
    ) -> tuple[Subject, str, Decimal, str, str, str | None] | str:
        """What one number states (subject, measure, value, unit, cue id, base), or why not."""
        context = self.context
        cue, words, base = _match_cue(lead)
        subject, hint = subject_of(words), None
        if subject and (hint := _vague_measure(subject)):
            # 涉及预算资金 2413.52 万元: about what the clauses before it name.
            subject = (subject_of("".join(pending)) if pending else None) or context.current
        elif subject is None:
            if mention.unit and units()[mention.unit].kind == "count" and trail:
                subject = subject_of(trail)  # 1 个项目自评等级为优: the counted thing follows
            subject = subject or context.current
        if subject is None or len(subject.name) > MAX_SUBJECT_LENGTH:
            return "number without a subject"
        unit = mention.unit or cue.default_unit
        if not unit and cue.measure == "change" and facts:
            # 减少 100 万元，减少 9.52: the second change of a pair is its percentage.
            unit = "%" if facts[-1].measure == "change_amount" else ""
        if not unit and (cue.measure in _MONEY_MEASURES | {"", "change"}):
            unit = context.money_unit or ""
        if not unit:
            return "number without a unit"
        kind = units()[unit].kind
        measure = _measure(cue, kind, subject, hint)
        if measure is None:
            return f"unit {unit} does not fit cue {cue.id}"
        try:
            value = _value(mention, unit, cue.sign)
        except AmountError as error:
            return str(error)
        if mention.unit and kind == "money":
            context.money_unit = mention.unit
        return subject, measure, value, unit, cue.id, base

    def fact(
        self,
        where: tuple[Paragraph, Sentence],
        subject: Subject,
        measure: str,
        value: Decimal,
        unit: str,
        printed: str,
        unit_printed: bool,
        pattern: str,
        base: str | None = None,
    ) -> Fact:
        """A fact, with its parent when it follows 其中; the subject becomes the one last named."""
        paragraph, sentence = where
        context = self.context
        kind = units()[unit].kind
        key = unit if kind == "count" else kind
        parent = None
        if context.parents is not None:
            parent = context.parent_of.get(subject.name) or context.parents.get(key)
            if parent == subject.name:
                parent = None
            elif parent:
                context.parent_of.setdefault(subject.name, parent)
        context.current = subject
        context.last_by_kind[key] = subject.name
        context.last_measure = measure
        return Fact(
            topic=paragraph.topic, section=paragraph.section, subject=subject.name,
            measure=measure, value=value, unit="元" if kind == "money" else unit,
            printed=printed, unit_printed=unit_printed, sentence=sentence.text, ref=sentence.ref,
            pattern=pattern, parent=parent, base=base, class_name=subject.class_name,
            subclass_name=subject.subclass_name, item_name=subject.item_name,
        )  # fmt: skip

    def phrase_facts(self, where: tuple[Paragraph, Sentence], clause: str) -> list[Fact]:
        """持平 and 没有…收入: statements without digits that still state a value (zero)."""
        for flat in phrases("flat"):
            match = flat.pattern.search(clause)
            if match and "预算" not in clause:  # 决算数与预算数基本持平 is no change over a year
                subject = subject_of(match.group("subject")) or self.context.current
                if subject is None:
                    return []
                return [
                    self.fact(where, subject, "change_amount", Decimal(0), "元", "持平", False,
                              "flat"),
                    self.fact(where, subject, "change_percent", Decimal(0), "%", "持平", False,
                              "flat"),
                ]  # fmt: skip
        for absent in phrases("absent"):
            match = absent.pattern.search(clause)
            if match and (subject := subject_of(match.group("subject"))):
                return [self.fact(where, subject, absent.measure, Decimal(0), "元", "无", False,
                                  "absent")]  # fmt: skip
        return []


def subject_of_fact(fact: Fact) -> Subject:
    return Subject(fact.subject, "", fact.class_name, fact.subclass_name, fact.item_name)


def read_facts(explanation: Explanation) -> FactsResult:
    reader = _Reader()
    for paragraph in explanation.paragraphs:
        reader.paragraph(paragraph)
    reader.close_item()
    return reader.out
