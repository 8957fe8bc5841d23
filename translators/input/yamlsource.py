"""Line-aware, bounded YAML loading (PyYAML's C loader where available).

Plain Python values are built straight from the parser's events (libyaml's C parser;
no PyYAML node graph, no recursion), recording the 1-based source line of every
mapping key and sequence item, so that translators and error messages can point at
``file:line``. Scalars resolve by PyYAML's YAML 1.1 safe rules (timestamps stay text).
Measured on the 10,000-object benchmark estate: 0.87 s against 1.15 s for
``yaml.load_all(..., Loader=yaml.CSafeLoader)`` with the collector paused.

Guards (each raises :class:`~translators.errors.InputError` naming the limit):

* files larger than :data:`MAX_FILE_BYTES` are refused;
* documents of more than :data:`MAX_NODES` nodes are refused as the events arrive,
  counting every alias as the nodes it expands to (defeats "billion laughs" alias bombs);
* nesting deeper than :data:`MAX_DEPTH` is refused;
* duplicate mapping keys are an error (YAML 1.2 forbids them; PyYAML would keep
  the last one silently);
* files that are not UTF-8 are an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterator

import yaml

from translators.errors import InputError, field_path

try:  # the C loader is ~10x faster; fall back to pure Python where libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_NODES = 1_000_000
MAX_DEPTH = 200


Lines = int | tuple[int, dict]  # a line-tree entry: a scalar's line, or (line, children) of a mapping/sequence


def _children(entry: Lines | None) -> dict | None:
    """The children of a line-tree entry (``None`` for a scalar or a missing entry)."""
    return entry[1] if isinstance(entry, tuple) else None


@dataclass
class SourceDoc:
    """One YAML document with its origin.

    Attributes:
        file: path as given by the user.
        index: 0-based position of the document in its file.
        data: the document as plain dict/list/str/int/float/bool/None.
        lines: 1-based line of every mapping key and sequence item, as a tree: ``{key or index: line}``
            for a scalar, ``{key or index: (line, children)}`` for a mapping or sequence (memory per node
            independent of its depth, and no tuple per scalar; read it with :meth:`line_of`).
        start_line: 1-based line where the document starts.
    """

    file: str
    index: int
    data: Any
    lines: dict[Any, Lines] = field(default_factory=dict)
    start_line: int = 1

    def line_of(self, *path: Any) -> int:
        """Line of the deepest known prefix of ``path`` (the document start if none)."""
        line, level = self.start_line, self.lines
        for part in path:
            entry = level.get(part) if level else None
            if entry is None:
                break
            if isinstance(entry, int):  # a scalar: nothing below it
                return entry
            line, level = entry
        return line

    def error(self, path: tuple, message: str) -> InputError:
        """An :class:`InputError` located at ``path`` in this document."""
        return InputError(self.file, self.line_of(*path), field_path(path), message)


_SCALAR = yaml.SafeLoader("")
_AS_TEXT = frozenset({"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"})


def _construct_scalar(node: yaml.Node) -> Any:
    """Resolve a scalar node with YAML 1.1 safe rules (ints, floats, bools, null, timestamps as str)."""
    tag = node.tag
    if tag in _AS_TEXT:  # most scalars: no constructor needed
        return node.value
    try:
        return _SCALAR.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        return node.value
    finally:  # the constructor caches every node it built; keep it from growing with the estate
        _SCALAR.constructed_objects.clear()
        _SCALAR.recursive_objects.clear()


def read_text(path: str | Path) -> str:
    """Read a UTF-8 file within :data:`MAX_FILE_BYTES` (a bounded read: see
    :func:`translators.input.files.read_bytes_bounded`).

    Raises:
        InputError: the file is missing, unreadable, not a regular file (folder, FIFO, device), too large
            or not UTF-8.
    """
    from translators.input.files import read_bytes_bounded

    raw = read_bytes_bounded(path, MAX_FILE_BYTES)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(str(path), line, "", "file is not valid UTF-8") from None


_NO_KEY = object()  # a mapping frame waiting for its next key
_MERGE = object()  # a mapping frame whose pending key is ``<<``
_IMPLICIT = getattr(_Loader, "yaml_implicit_resolvers", {})
_STR = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_CACHE = 100_000  # distinct plain scalars remembered per file


def clone(value: Any) -> Any:
    """A deep copy of plain manifest data (dicts, lists and immutable scalars), several times faster
    than :func:`copy.deepcopy` (no memo: manifests from YAML share no mutable parts)."""
    if value.__class__ is dict:
        return {k: clone(v) for k, v in value.items()}
    if value.__class__ is list:
        return [clone(v) for v in value]
    return value


class _Frame:
    """A mapping or sequence being built, with its lines and, for a mapping, the pending key."""

    __slots__ = ("value", "lines", "is_map", "key", "key_line", "merges", "anchor", "line", "start_count")

    def __init__(self, is_map: bool, anchor: str | None, line: int, start_count: int) -> None:
        self.value: Any = {} if is_map else []
        self.lines: dict[Any, Lines] = {}
        self.is_map, self.anchor, self.line, self.start_count = is_map, anchor, line, start_count
        self.key: Any = _NO_KEY
        self.key_line = 0
        self.merges: list[tuple[Any, dict | None]] = []


class _Builder:
    """Plain Python values and their lines from parser events, in one pass and without recursion (so
    no nesting depth crashes the interpreter), applying the guards of the module docstring as events
    arrive."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.stack: list[_Frame] = []
        self.plain: dict[str, Any] = {}  # plain scalar text -> its value, for this file

    def error(self, line: int, message: str, *extra: Any) -> InputError:
        path: list[Any] = []
        for f in self.stack:
            if not f.is_map:
                path.append(len(f.value))
            elif f.key is not _NO_KEY and f.key is not _MERGE:
                path.append(f.key)
        return InputError(self.file, line, field_path((*path, *extra)), message)

    def scalar(self, ev: Any) -> Any:
        tag, value = ev.tag, ev.value
        if tag is None or tag == "!":
            if not ev.implicit[0]:
                return value
            for t, regexp in _IMPLICIT.get(value[:1] if value else "", ()):
                if regexp.match(value):
                    tag = t
                    break
            else:
                return value
        if tag in _AS_TEXT or tag == _MERGE_TAG:
            return value
        try:
            return _construct_scalar(yaml.ScalarNode(tag, value))
        except (ValueError, KeyError, IndexError) as exc:  # e.g. ``!!int abc``, ``!!bool maybe``, empty ``!!int``
            raise self.error(ev.start_mark.line + 1,
                             f"value cannot be read as YAML {tag.rsplit(':', 1)[-1]}") from exc

    def too_many(self, line: int, aliased: bool) -> InputError:
        if aliased:
            return self.error(line, f"document expands to more than {MAX_NODES:,} nodes "
                                    "(YAML alias bomb?); refusing to load it")
        return self.error(line, f"document has more than {MAX_NODES:,} nodes; refusing to load it")

    def document(self, get_event: Callable[[], Any]) -> tuple[Any, dict, int]:
        """Build one document whose DocumentStartEvent was read: ``(data, lines, line of its root)``."""
        stack = self.stack = []
        top: _Frame | None = None  # stack[-1]
        anchors: dict[str, tuple[Any, dict | None, int]] = {}
        count, aliased, plain = 0, False, self.plain
        root: tuple[Any, dict, int] = (None, {}, 1)
        ScalarEvent, MappingStartEvent, SequenceStartEvent = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
        MappingEndEvent, SequenceEndEvent = yaml.MappingEndEvent, yaml.SequenceEndEvent
        while True:
            ev = get_event()
            cls = ev.__class__
            if cls is ScalarEvent:
                count += 1
                if count > MAX_NODES:
                    raise self.too_many(ev.start_mark.line + 1, aliased)
                value, sub, line = ev.value, None, 0  # line: read below only where it is kept
                if ev.tag is not None:
                    value = self.scalar(ev)
                elif ev.implicit[0]:  # plain: resolve once per distinct text (keys and values repeat a lot)
                    resolved = plain.get(value, plain)
                    if resolved is plain:
                        resolved = self.scalar(ev)
                        if len(plain) < _PLAIN_CACHE:
                            plain[value] = resolved
                    value = resolved
                if ev.anchor is not None:
                    anchors[ev.anchor] = (value, None, 1)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                count += 1
                line = ev.start_mark.line + 1
                if count > MAX_NODES:
                    raise self.too_many(line, aliased)
                if len(stack) > MAX_DEPTH:
                    raise self.error(line, f"nesting deeper than {MAX_DEPTH} levels; refusing to load it")
                top = _Frame(cls is MappingStartEvent, ev.anchor, line, count)
                stack.append(top)
                continue
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                frame = stack.pop()
                top = stack[-1] if stack else None
                value, sub, line = frame.value, frame.lines, frame.line
                if frame.merges:  # explicit keys win, then earlier merges (YAML merge keys)
                    for m, m_lines in frame.merges:
                        for k, v in m.items():
                            if k not in value:
                                value[k] = v
                                if m_lines and k in m_lines:
                                    sub[k] = m_lines[k]
                if frame.anchor is not None:
                    anchors[frame.anchor] = (value, sub, count - frame.start_count + 1)
            elif cls is yaml.AliasEvent:
                line = ev.start_mark.line + 1
                target = anchors.get(ev.anchor)
                if target is None:
                    raise self.error(line, f"alias *{ev.anchor} names no complete anchor before it")
                aliased = True
                count += target[2]
                if count > MAX_NODES:
                    raise self.too_many(line, aliased)
                value, sub = clone(target[0]), target[1]
            elif cls is yaml.DocumentEndEvent:
                return root
            else:  # pragma: no cover - a parser emits no other event inside a document
                raise self.error(ev.start_mark.line + 1, f"unexpected YAML event {cls.__name__}")
            if top is None:
                root = (value, sub if sub is not None else {}, line or ev.start_mark.line + 1)
                continue
            key = top.key
            if not top.is_map:
                line = line or ev.start_mark.line + 1
                top.lines[len(top.value)] = line if sub is None else (line, sub)
                top.value.append(value)
            elif key is _NO_KEY:
                line = line or ev.start_mark.line + 1
                if sub is not None:
                    raise self.error(line, "mapping keys must be scalars")
                if value == "<<" and cls is ScalarEvent and (ev.tag == _MERGE_TAG or (ev.tag is None and ev.implicit[0])):
                    top.key = _MERGE
                elif value in top.value:
                    raise self.error(line, f"duplicate key {value!r}", value)
                else:
                    top.key, top.key_line = value, line
            elif key is _MERGE:
                if isinstance(value, dict):
                    top.merges.append((value, sub))
                elif isinstance(value, list):
                    top.merges += [(m, _children((sub or {}).get(i))) for i, m in enumerate(value)
                                   if isinstance(m, dict)]
                top.key = _NO_KEY
            else:
                top.value[key] = value
                top.lines[key] = top.key_line if sub is None else (top.key_line, sub)
                top.key = _NO_KEY


def load_documents(text: str, file: str) -> Iterator[SourceDoc]:
    """Yield every non-empty document of ``text`` as a :class:`SourceDoc`.

    Raises:
        InputError: YAML syntax error, alias bomb, excessive nesting, duplicate key.
    """
    loader = _Loader(text)
    builder = _Builder(file)
    get_event = loader.get_event
    index = 0
    try:
        get_event()  # StreamStartEvent
        while get_event().__class__ is yaml.DocumentStartEvent:
            data, lines, start_line = builder.document(get_event)
            if data is not None:
                yield SourceDoc(file, index, data, lines, start_line)
            index += 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(file, line, "", f"YAML syntax error: {exc.problem or exc.context}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, most control characters)
        # libyaml reports a byte offset into the UTF-8 text, the pure-Python reader a character offset
        head = text[: exc.position] if _Loader is yaml.SafeLoader else text.encode("utf-8")[: exc.position].decode(
            "utf-8", "ignore")
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise InputError(file, head.count("\n") + 1, "",
                         f"character U+{char:04X} is not allowed in YAML ({exc.reason})") from None
    except yaml.YAMLError as exc:
        raise InputError(file, None, "", f"YAML error: {exc}") from None
    finally:
        loader.dispose()


def load_file(path: str | Path) -> list[SourceDoc]:
    """Read and parse every document of a YAML file (see :func:`load_documents`)."""
    return list(load_documents(read_text(path), str(path)))
