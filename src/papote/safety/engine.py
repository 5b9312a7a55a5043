"""The text moderation engine: every ``say`` and ``dm`` is judged here before fan-out.

One call, :meth:`ModerationEngine.judge`, pure CPU and far under a millisecond:
normalise the text (text/normalise.py), scan it once with the compiled rule packs
(text/matcher.py, rules/*.yaml), add detector features (personal data, links, spam,
and the framing of the harmful words: quotes, counter-speech, news, games...) and
context flags (room or private, adult room, minor recipient, a minor named by the
sender, a sexual-violence plan under way: conversation.py), evaluate only the rules
anchored on what was found, then the conversation-level checks (minor signals, the
grooming model of text/grooming.py) and the safety notices. The most severe verdict
wins.

:func:`install` plugs the engine into the safety pipeline with a conversation
memory. See docs/moderation.md.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from papote.safety.context import EntryContext, MessageContext, Participant
from papote.safety.conversation import (
    ADULT_FACT,
    AGE_ASKED,
    MINOR_NAMED_BEFORE,
    conversation_flags,
    facts_learned,
    grooming_verdict,
    last_question,
    sender_minor_signal,
)
from papote.safety.conversation_model import (
    CONTINUED,
    ConversationModel,
    ConversationModelError,
    conversation_features,
    worth_reading,
)
from papote.safety.conversation_model import DEFAULT_VERSION as CONVERSATION_VERSION
from papote.safety.conversation_model import MODELS_DIR as CONVERSATION_MODELS
from papote.safety.explanations import explanation
from papote.safety.learned import SHORT_WORDS, SPAM_EVIDENCE, TextModel, context_allows
from papote.safety.learned import join as join_model
from papote.safety.memory import ConversationMemory, MemoryEntry
from papote.safety.pipeline import SafetyPipeline
from papote.safety.pseudonyms import words_of
from papote.safety.text.detectors.framing import framing_features
from papote.safety.text.detectors.links import link_features, warm_up
from papote.safety.text.detectors.personal_data import personal_data_features
from papote.safety.text.grooming import (
    STAGE_WEIGHTS,
    message_stages,
)
from papote.safety.text.matcher import CompiledRules, Hits, compile_rules
from papote.safety.text.minors import UNKNOWN_AGE, adult_age
from papote.safety.text.normalise import NormalisedText, normalise
from papote.safety.text.nudges import TRIGGER_NAMES as NUDGE_TRIGGERS
from papote.safety.text.nudges import nudges_for
from papote.safety.text.rulepack import CustomTerm, Rule, RulePackError, RuleSet, load_rules
from papote.safety.text.spam import REPEAT_COUNT, SpamTracker
from papote.safety.verdict import ALLOW, Action, Category, Nudge, Verdict, most_severe

RULES_DIR = Path(__file__).parent / "rules"
MINOR_FLAG = "sender_possibly_minor"
_CONSENT = frozenset({"sexual_explicit", "flirt"})  # signals that the other welcomes explicit talk
MINOR_FACT = "minor:"  # facts "minor:<user id>" -> stated age ("0" when unknown)
NUDGE_FACT = "nudge:"  # facts "nudge:<key>" -> "1" once the notice was shown


@dataclass(frozen=True, slots=True)
class Assessment:
    """A verdict with what the conversation memory should keep of the message."""

    verdict: Verdict
    entry: MemoryEntry
    facts: dict[str, str] = field(default_factory=dict)


class ModerationEngine:
    def __init__(
        self,
        ruleset: RuleSet,
        model: TextModel | None = None,
        conversation: ConversationModel | None = None,
    ) -> None:
        self._compiled: CompiledRules = compile_rules(ruleset)
        self.model = model  # the learned text model (safety/learned.py), beside the rules
        # the learned conversation model (conversation_model.py), reading the text model's
        # scores of the whole remembered conversation
        if conversation is not None and (model is None or conversation.text_model != model.version):
            raise ConversationModelError(
                f"the conversation model {conversation.version} reads the scores of "
                f"{conversation.text_model}, not of {model.version if model else 'no model'}"
            )
        self.conversation = conversation
        missing = set(STAGE_WEIGHTS) - set(ruleset.concepts)
        if missing:
            raise RulePackError(f"grooming stages without a concept: {sorted(missing)}")
        self._base = ruleset
        # rules whose verdict the text model must confirm (``confirm: true`` in a pack)
        self._confirm = frozenset(r.id for r in ruleset.rules if r.confirm)
        self._spam = SpamTracker()
        warm_up()

    @classmethod
    def load(
        cls, rules_dir: Path | None = None, model: Path | None = None, with_model: bool = True
    ) -> ModerationEngine:
        """Load and compile every ``*.yaml`` pack of ``rules_dir`` (default: shipped packs)
        and, unless ``with_model`` is false, the text model ``model`` (default: the shipped
        one); ``PAPOTE_TEXT_MODEL=false`` serves the rules alone (docs/moderation.md)."""
        folder = rules_dir or RULES_DIR
        text_model = TextModel.load(model) if with_model else None
        conversation = None
        if text_model is not None and model is None:  # the shipped pair
            path = CONVERSATION_MODELS / f"{CONVERSATION_VERSION}.json"
            conversation = ConversationModel.load(path) if path.exists() else None
        return cls(load_rules(sorted(folder.glob("*.yaml"))), text_model, conversation)

    @property
    def term_count(self) -> int:
        return self._compiled.size

    def set_custom_terms(self, terms: Sequence[CustomTerm]) -> None:
        """Replace the run-time terms; the automaton is rebuilt and swapped in one step."""
        ruleset = RuleSet(
            concepts=dict(self._base.concepts),
            patterns=self._base.patterns,
            rules=list(self._base.rules),
            remember=self._base.remember,
            fuzzy=self._base.fuzzy,
            fuzzy_except=self._base.fuzzy_except,
        )
        for term in terms:
            concept = f"custom:{term.id}"
            ruleset.concepts[concept] = {term.term}
            unless = frozenset({"@dm"} if "dm" not in term.channels else set()) | frozenset(
                {"@room"} if "room" not in term.channels else set()
            )
            ruleset.rules.append(
                Rule(
                    f"custom.{term.id}",
                    term.category,
                    term.action,
                    term.severity,
                    (frozenset({concept}),),
                    unless,
                )
            )
        self._compiled = compile_rules(ruleset)

    def judge(
        self,
        ctx: MessageContext,
        history: Sequence[MemoryEntry] = (),
        facts: Mapping[str, str] | None = None,
    ) -> Verdict:
        return self.assess(ctx, history, facts).verdict

    def assess(
        self,
        ctx: MessageContext,
        history: Sequence[MemoryEntry] = (),
        facts: Mapping[str, str] | None = None,
    ) -> Assessment:
        facts = facts or {}
        compiled = self._compiled
        sender_id = ctx.sender.id
        dm = ctx.channel == "dm"
        text = normalise(ctx.text)
        folded = text.folded
        hits = compiled.scan(text)
        features = personal_data_features(folded)
        links = link_features(folded)
        if links:
            features |= links
        ts = ctx.ts or int(time.time() * 1000)
        fingerprint = text.words.strip()
        spam = self._spam.observe(sender_id, fingerprint, "$link" in features, ts)
        if spam:
            features |= spam
        if _repeated_in(ctx, history):
            features.add("$repeat")

        learned: dict[str, str] = {}
        flags: set[str] = set()
        asked = last_question(ctx, history) if history else None
        signal = sender_minor_signal(ctx, folded, asked, facts)
        if signal is not None:
            flags.add(MINOR_FLAG)
            learned[f"{MINOR_FACT}{sender_id}"] = str(signal.age or UNKNOWN_AGE)
            if ctx.sender.age >= 18:
                flags.add("stated_age_contradicts_entry")
        else:
            stated = adult_age(folded, asked == AGE_ASKED)
            if stated is not None:
                learned[f"{ADULT_FACT}{sender_id}"] = str(stated)
        names = _context_flags(ctx, history, facts, signal is not None)
        names.update(hits)
        names |= features
        stages = message_stages(names, folded) if dm else _NO_STAGES
        if facts or stages:
            names |= conversation_flags(ctx, ts, stages, facts)

        fired, excused = self._fired(compiled, text, hits, features, names)
        verdicts = [_rule_verdict(rule) for rule in fired]
        if stages:
            grooming = grooming_verdict(ctx, stages, names, history, facts)
            if grooming is not None:
                verdicts.append(grooming)
        seconded: tuple[str, ...] = ()  # model verdicts on categories a rule already judged
        unconfirmed: tuple[str, ...] = ()  # rules the model did not confirm
        scores: tuple[float, ...] = ()
        if self.model is not None:  # the learned model: what the rules cannot list
            recipient_age = ctx.recipient.age if dm and ctx.recipient is not None else None
            previous = _previous(self.model, history)
            found = self.model.verdicts(text, previous, names, recipient_age)
            scores = self.model.probabilities(text, previous)
            if verdicts and self._confirm:
                verdicts, unconfirmed = self.model.confirmed(verdicts, scores, self._confirm)
            if self.conversation is not None and history:
                found = _with_conversation(
                    found,
                    self._conversation_verdicts(ctx, text, scores, history, names, recipient_age),
                )
            if found and excused:  # a rule heard the harmful reading and knew why not
                found = [v for v in found if v.categories[0] not in excused]
            if found:
                seconded = join_model(verdicts, found)
            elif verdicts:  # the model sees nothing: a rule's word may be out of context
                verdicts, seconded = self.model.second_opinion(verdicts, text, previous)
        nudges: tuple[Nudge, ...] = ()
        # a notice needs a private message and a first contact or one of its trigger names
        if dm and (ctx.first_contact or not names.isdisjoint(NUDGE_TRIGGERS)):
            already = {k.removeprefix(NUDGE_FACT) for k in facts if k.startswith(NUDGE_FACT)}
            already.update(n for e in history for n in e.nudges)
            nudges = nudges_for(names, True, ctx.first_contact, already)
            for nudge in nudges:
                learned[f"{NUDGE_FACT}{nudge.key}"] = "1"

        if verdicts:
            # rule and grooming verdicts carry no nudges nor flags of their own
            worst = verdicts[0] if len(verdicts) == 1 else most_severe(verdicts)
            verdict = Verdict(
                worst.action,
                worst.categories,
                worst.score,
                worst.rule,
                worst.explanation,
                nudges,
                frozenset(flags),
                tuple(
                    dict.fromkeys(
                        [
                            *(v.rule for v in sorted(verdicts, key=_severity) if v.rule),
                            *seconded,
                            *unconfirmed,
                        ]
                    )
                ),
            )
        elif nudges or flags:
            verdict = Verdict(nudges=nudges, flags=frozenset(flags))
        else:
            verdict = ALLOW
        action = verdict.action
        if stages or action >= Action.HOLD:
            learned.update(facts_learned(ctx, ts, stages, verdict))
        if action is Action.WARN:
            self._spam.note_warned(sender_id, fingerprint, ts)
        entry = MemoryEntry(
            sender=sender_id,
            text=ctx.text,
            ts=ts,
            action=_LABELS[action],
            categories=tuple([c.value for c in verdict.categories]) if verdicts else (),
            signals=_signals(compiled.remember.intersection(hits) if hits else (), stages),
            nudges=tuple([n.key for n in nudges]) if nudges else (),
            flags=tuple(sorted(flags)) if flags else (),
            scores=scores,
            peak=max(scores, default=0.0),
        )
        return Assessment(verdict, entry, learned)

    def _conversation_verdicts(
        self,
        ctx: MessageContext,
        text: NormalisedText,
        scores: Sequence[float],
        history: Sequence[MemoryEntry],
        names: set[str],
        recipient_age: int | None,
    ) -> list[Verdict]:
        """What the conversation model reads in this message after the remembered ones."""
        assert self.conversation is not None
        sender = ctx.sender.id
        dm = ctx.channel == "dm"
        other_minor = "@recipient_minor" in names or (
            not dm and any(MINOR_FLAG in e.flags for e in history if e.sender != sender)
        )
        if not worth_reading(max(scores, default=0.0), [e.peak for e in history], other_minor):
            return []
        features = conversation_features(
            scores,
            [e.scores for e in history if e.sender == sender],
            [e.scores for e in history if e.sender != sender],
            other_minor=other_minor,
            dm=dm,
            sender_age=ctx.sender.age,
            recipient_age=recipient_age,
        )
        rule = f"model:{self.conversation.version}:"
        # a message of three words or fewer ("m4", "ok") gives too little to hold it on for
        # what its sender said before, outside the harms told over several messages
        short = len(text.words.split()) <= SHORT_WORDS
        # as for the text model: grooming towards someone with no sign of being a minor
        # needs the act threshold, until this sender named a minor age or class before
        strict_grooming = (
            "@recipient_minor" not in names
            and MINOR_NAMED_BEFORE not in names
            and (recipient_age is None or recipient_age >= 18)
        )
        return [
            Verdict(f.action, (f.category,), f.score, rule + f.category.value,
                    explanation(f.action, f.category))
            for f in self.conversation.found(features)
            if context_allows(f.category, names, recipient_age)
            and (f.category in CONTINUED or not short)
            and (f.past_act or not _strict_bar(f.category, strict_grooming, names))
        ]  # fmt: skip

    @staticmethod
    def _fired(
        compiled: CompiledRules,
        text: NormalisedText,
        hits: Hits,
        features: set[str],
        names: set[str],
    ) -> tuple[list[Rule], frozenset[Category]]:
        """The rules that hold, in pack order, and the categories of the rules whose
        conditions held but that one of their ``unless`` items excused (a game, a quote,
        counter-speech, a negation, a thing as the object of the verb...): there the rules
        know why the harmful reading is wrong, and the model does not overrule them.
        Only the rules anchored on a hit or a feature are looked at, and each pattern is
        searched at most once."""
        plans = compiled.candidates(hits, features)
        if not plans:
            return [], _NONE_EXCUSED
        folded = text.folded
        patterns = compiled.patterns
        searched: dict[str, bool] = {}
        frames: set[str] | None = None  # quotes, counter-speech, games...: only when asked

        def any_pattern(pattern_names: tuple[str, ...]) -> bool:
            for name in pattern_names:
                found = searched.get(name)
                if found is None:
                    found = searched[name] = patterns[name].search(folded) is not None
                if found:
                    return True
            return False

        fired = []
        excused: set[Category] = set()
        for plan in plans:
            for cond, cond_patterns in plan.when:
                if cond.isdisjoint(names) and not (cond_patterns and any_pattern(cond_patterns)):
                    break
            else:
                if not plan.unless.isdisjoint(names) or (
                    plan.unless_patterns and any_pattern(plan.unless_patterns)
                ):
                    excused.add(plan.rule.category)
                    continue
                if plan.unless_frames:
                    if frames is None:
                        frames = framing_features(folded)
                    if not plan.unless_frames.isdisjoint(frames):
                        excused.add(plan.rule.category)
                        continue
                if plan.min_distinct and any(
                    len(hits.get(c, ())) < n for c, n in plan.min_distinct
                ):
                    continue
                if plan.within and not compiled.near(text.variants, plan):
                    continue
                fired.append(plan.rule)
        # a category a rule fired on is not excused by another rule of it that was; the
        # gravest harms stay the model's to raise, whatever the framing
        excused.difference_update(r.category for r in fired)
        return fired, frozenset(excused.difference(_NEVER_EXCUSED))


_LABELS = {action: action.label for action in Action}
_NONE_EXCUSED: frozenset[Category] = frozenset()
_NEVER_EXCUSED = frozenset({Category.CHILD_SAFETY, Category.GROOMING, Category.SEXUAL_VIOLENCE})
_NO_STAGES: frozenset[str] = frozenset()


def _signals(remembered: Iterable[str], stages: frozenset[str]) -> tuple[str, ...]:
    """What the memory keeps of a message: remembered concepts and grooming stages."""
    if not stages:
        return tuple(sorted(remembered))
    return tuple(sorted(stages.union(remembered)))


_VERDICTS: dict[tuple[str, Action, Category, float], Verdict] = {}


def _rule_verdict(rule: Rule) -> Verdict:
    """The verdict of a rule, built once (rules are immutable)."""
    key = (rule.id, rule.action, rule.category, rule.severity)
    verdict = _VERDICTS.get(key)
    if verdict is None:
        explained = explanation(rule.action, rule.category)
        verdict = Verdict(rule.action, (rule.category,), rule.severity, rule.id, explained)
        _VERDICTS[key] = verdict
    return verdict


def _strict_bar(category: Category, strict_grooming: bool, names: set[str]) -> bool:
    """Whether a conversation-model verdict needs its category's act threshold."""
    if category is Category.GROOMING:
        return strict_grooming
    return category is Category.SPAM and names.isdisjoint(SPAM_EVIDENCE)


def _with_conversation(found: list[Verdict], conversation: list[Verdict]) -> list[Verdict]:
    """The text model's verdicts and the conversation model's, one per category (the
    more severe)."""
    if not conversation:
        return found
    best = {v.categories[0]: v for v in found}
    for verdict in conversation:
        category = verdict.categories[0]
        if category not in best or _severity(verdict) < _severity(best[category]):
            best[category] = verdict
    return list(best.values())


def _severity(verdict: Verdict) -> tuple[int, float]:
    return (-verdict.action, -verdict.score)


def _previous(model: TextModel, history: Sequence[MemoryEntry]) -> str | None:
    """The previous message's words, for a model trained with that context."""
    return normalise(history[-1].text).words if model.context and history else None


def _context_flags(
    ctx: MessageContext,
    history: Sequence[MemoryEntry],
    facts: Mapping[str, str],
    sender_minor_now: bool,
) -> set[str]:
    flags = {"@dm"} if ctx.channel == "dm" else {"@room"}
    for entry in history:  # "^concept": said earlier in the conversation, by anyone
        if entry.signals:
            flags.update("^" + signal for signal in entry.signals)
    if ctx.room_adult:
        flags.add("@adult_room")
    if ctx.first_contact:
        flags.add("@first_contact")
    sender = ctx.sender
    if (
        sender_minor_now
        or sender.possibly_minor
        or sender.age < 18
        or f"{MINOR_FACT}{sender.id}" in facts
    ):
        flags.add("@sender_minor")
    recipient = ctx.recipient
    if ctx.channel == "dm" and recipient is not None:
        minor = (
            recipient.possibly_minor or recipient.age < 18 or f"{MINOR_FACT}{recipient.id}" in facts
        )
        explicit = False
        for entry in history:
            if entry.sender == recipient.id:
                minor = minor or MINOR_FLAG in entry.flags
                explicit = explicit or not _CONSENT.isdisjoint(entry.signals)
        if minor:
            flags.add("@recipient_minor")
        if explicit:
            flags.add("@recipient_explicit")
    return flags


def _repeated_in(ctx: MessageContext, history: Sequence[MemoryEntry]) -> bool:
    """The same long text from the same sender twice before in this conversation.

    A text answered "confirm" (warn) and sent again is one message, not two: the send
    that follows a warned one is its confirmation (see text/spam.py)."""
    text = ctx.text.strip().lower()
    if len(text) < 20:
        return False
    count = 0
    awaiting_confirmation = False
    for entry in history:
        if entry.sender != ctx.sender.id or entry.text.strip().lower() != text:
            continue
        if awaiting_confirmation:
            awaiting_confirmation = False
            continue
        count += 1
        awaiting_confirmation = entry.action == Action.WARN.label
    occurrences = count if awaiting_confirmation else count + 1  # this one included
    return occurrences >= REPEAT_COUNT


def install(pipeline: SafetyPipeline, engine: ModerationEngine, memory: ConversationMemory) -> None:
    """Register the engine as the ``text`` hook of messages and the ``pseudo`` hook of entries."""

    async def judge_text(ctx: MessageContext) -> Verdict:
        key = ctx.conversation or (f"room:{ctx.room}" if ctx.room else "")
        if not key:
            return engine.judge(ctx)
        history, facts = await asyncio.gather(memory.recent(key), memory.facts(key))
        assessment = engine.assess(ctx, history, facts)
        await memory.remember(key, assessment.entry)
        if assessment.facts:
            await memory.learn(key, assessment.facts)
        return assessment.verdict

    pipeline.messages.register("text", judge_text)

    async def judge_pseudo(ctx: EntryContext) -> Verdict:
        """A pseudo is read as a room message of its own: insults and sex stay out."""
        sender = Participant(id="entry", age=ctx.age)
        verdict = engine.judge(MessageContext(words_of(ctx.pseudo), "room", sender, room="entry"))
        if _model_spam_only(verdict):
            # The model reads spam as a message that advertises; a name advertises nothing
            # without a handle, number or link, and those are the rules' evidence.
            return ALLOW
        return verdict

    pipeline.entries.register("pseudo", judge_pseudo)


def _model_spam_only(verdict: Verdict) -> bool:
    """True when only the learned model found spam, and nothing else was found."""
    return (
        verdict.categories == (Category.SPAM,)
        and bool(verdict.evidence)
        and all(item.startswith("model:") for item in verdict.evidence)
    )
