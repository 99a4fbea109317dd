"""Our segment-group walker: a message's flat segment list → its group tree.

A :class:`GroupSpec` names the segment that opens a group (its trigger), the segments the group holds and
its nested groups. The walker keeps a stack of open groups; for each segment it looks from the innermost
open group outwards for one that opens a nested group with this tag, or holds this tag, and closes the
groups inside it (EDIFACT groups follow each other; a group ends where a segment it cannot hold begins).

* A segment the specification knows, but that no open group accepts where it stands (a GID before any
  CNI), is out of place: :class:`RecordError`, and the message reader rejects the message.
* A segment the specification does not know at all is kept in the innermost group's ``extra`` list and
  read by nobody: partners add segments we do not use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from cargoscreen.ingest.edifact.common import RecordError
from cargoscreen.ingest.edifact.syntax import Segment


class GroupSpec:
    """A segment group: trigger tag, member tags, nested groups."""

    __slots__ = ("children", "members", "trigger")

    def __init__(self, trigger: str, members: Iterable[str], *children: GroupSpec) -> None:
        self.trigger = trigger
        self.members = frozenset(members)
        self.children = {child.trigger: child for child in children}

    def known_tags(self) -> frozenset[str]:
        """Every tag this group or a nested one holds or is opened by."""
        tags = {self.trigger, *self.members}
        for child in self.children.values():
            tags |= child.known_tags()
        return frozenset(tags)


class Group(NamedTuple):
    """One occurrence of a group: its trigger segment, member segments, nested groups, unknown segments.

    Plain tuples all the way down, so a message's tree costs the garbage collector nothing.
    """

    head: Segment
    segments: tuple[Segment, ...] = ()
    children: tuple[Group, ...] = ()
    extra: tuple[Segment, ...] = ()

    def all(self, tag: str, *qualifiers: str) -> list[Segment]:
        """Member segments with this tag (and element 1 among ``qualifiers`` when given), in order."""
        return [s for s in self.segments if s.tag == tag and (not qualifiers or s.value(1) in qualifiers)]

    def first(self, tag: str, *qualifiers: str) -> Segment | None:
        """The first member segment with this tag (and qualifier), or None."""
        for seg in self.segments:
            if seg.tag == tag and (not qualifiers or seg.value(1) in qualifiers):
                return seg
        return None

    def groups(self, trigger: str, *qualifiers: str) -> list[Group]:
        """Nested groups opened by ``trigger`` (and element 1 among ``qualifiers`` when given)."""
        return [
            g
            for g in self.children
            if g.head.tag == trigger and (not qualifiers or g.head.value(1) in qualifiers)
        ]

    def last(self) -> Segment:
        """The last segment of the group, nested groups included (to cut its raw text)."""
        candidates = [self.head, *self.segments[-1:], *self.extra[-1:]]
        candidates.extend(child.last() for child in self.children[-1:])
        return max(candidates, key=lambda seg: seg.number)


class _Open:
    """A group being filled while the walker is inside it."""

    __slots__ = ("children", "extra", "head", "segments", "spec")

    def __init__(self, spec: GroupSpec, head: Segment) -> None:
        self.spec = spec
        self.head = head
        self.segments: list[Segment] = []
        self.children: list[Group] = []
        self.extra: list[Segment] = []

    def close(self) -> Group:
        return Group(self.head, tuple(self.segments), tuple(self.children), tuple(self.extra))


def walk(segments: Sequence[Segment], spec: GroupSpec) -> Group:
    """Build the group tree of a message (``segments[0]`` is the UNH that opens ``spec``)."""
    known = spec.known_tags()
    stack = [_Open(spec, segments[0])]
    for seg in segments[1:]:
        if not _place(stack, seg):
            if seg.tag in known:
                inside = " > ".join(group.head.tag for group in stack)
                raise RecordError(seg, "0", f"segment {seg.tag} is not expected here (inside {inside})")
            stack[-1].extra.append(seg)
    _close(stack, 0)
    return stack[0].close()


def _close(stack: list[_Open], depth: int) -> None:
    """Close the groups above ``depth``, innermost first, handing each to its parent."""
    while len(stack) > depth + 1:
        closed = stack.pop()
        stack[-1].children.append(closed.close())


def _place(stack: list[_Open], seg: Segment) -> bool:
    tag = seg.tag
    for depth in range(len(stack) - 1, -1, -1):
        group = stack[depth]
        child = group.spec.children.get(tag)
        if child is not None:
            _close(stack, depth)
            stack.append(_Open(child, seg))
            return True
        if tag in group.spec.members:
            _close(stack, depth)
            group.segments.append(seg)
            return True
    return False
