"""Line-aware, bounded YAML loading (PyYAML's C loader where available).

Documents are composed into PyYAML nodes and converted to plain Python values
while recording the 1-based source line of every mapping key and sequence item,
so that translators and error messages can point at ``file:line``.

Guards (each raises :class:`~translators.errors.InputError` naming the limit):

* files larger than :data:`MAX_FILE_BYTES` are refused;
* documents of more than :data:`MAX_NODES` nodes are refused before they are composed,
  and alias expansion is bounded by :data:`MAX_NODES` converted nodes per document
  (defeats "billion laughs" alias bombs);
* nesting deeper than :data:`MAX_DEPTH` is refused;
* duplicate mapping keys are an error (YAML 1.2 forbids them; PyYAML would keep
  the last one silently);
* files that are not UTF-8 are an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Iterator

import yaml

from .errors import InputError, field_path

try:  # the C loader is ~10x faster; fall back to pure Python where libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_NODES = 1_000_000
MAX_DEPTH = 200


@dataclass
class SourceDoc:
    """One YAML document with its origin.

    Attributes:
        file: path as given by the user.
        index: 0-based position of the document in its file.
        data: the document as plain dict/list/str/int/float/bool/None.
        lines: 1-based line of every mapping key and sequence item, as a tree: ``{key or index:
            (line, children or None)}`` (memory per node independent of its depth; read it with
            :meth:`line_of`).
        start_line: 1-based line where the document starts.
    """

    file: str
    index: int
    data: Any
    lines: dict[Any, tuple[int, dict | None]] = field(default_factory=dict)
    start_line: int = 1

    def line_of(self, *path: Any) -> int:
        """Line of the deepest known prefix of ``path`` (the document start if none)."""
        line, level = self.start_line, self.lines
        for part in path:
            entry = level.get(part) if level else None
            if entry is None:
                break
            line, level = entry
        return line

    def error(self, path: tuple, message: str) -> InputError:
        """An :class:`InputError` located at ``path`` in this document."""
        return InputError(self.file, self.line_of(*path), field_path(path), message)


class _Converter:
    def __init__(self, file: str) -> None:
        self.file = file
        self.count = 0
        self.lines: dict[Any, tuple[int, dict | None]] = {}

    def convert(self, node: yaml.Node, path: tuple, depth: int, lines: dict | None) -> Any:
        """``node`` as plain Python; the lines of its keys / items go into ``lines`` (see :class:`SourceDoc`)."""
        self.count += 1
        if self.count > MAX_NODES:
            raise InputError(self.file, node.start_mark.line + 1, field_path(path),
                             f"document expands to more than {MAX_NODES:,} nodes "
                             "(YAML alias bomb?); refusing to load it")
        if depth > MAX_DEPTH:
            raise InputError(self.file, node.start_mark.line + 1, field_path(path),
                             f"nesting deeper than {MAX_DEPTH} levels; refusing to load it")
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            merged: dict = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    value = self.convert(value_node, path, depth + 1, lines)
                    for m in value if isinstance(value, list) else [value]:
                        if isinstance(m, dict):
                            for k, v in m.items():
                                merged.setdefault(k, v)
                    continue
                key = self.convert(key_node, path, depth + 1, {})
                if isinstance(key, (dict, list)):
                    raise InputError(self.file, key_node.start_mark.line + 1, field_path(path),
                                     "mapping keys must be scalars")
                if key in out:
                    raise InputError(self.file, key_node.start_mark.line + 1, field_path(path + (key,)),
                                     f"duplicate key {key!r}")
                sub = None if isinstance(value_node, yaml.ScalarNode) else {}
                if lines is not None:
                    lines[key] = (key_node.start_mark.line + 1, sub)
                out[key] = self.convert(value_node, path + (key,), depth + 1, sub)
            for k, v in merged.items():  # explicit keys override merged ones (YAML merge-key semantics)
                out.setdefault(k, v)
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                sub = None if isinstance(item, yaml.ScalarNode) else {}
                if lines is not None:
                    lines[i] = (item.start_mark.line + 1, sub)
                items.append(self.convert(item, path + (i,), depth + 1, sub))
            return items
        try:
            return _construct_scalar(node)
        except (ValueError, KeyError, IndexError) as exc:  # e.g. ``!!int abc``, ``!!bool maybe``, empty ``!!int``
            raise InputError(self.file, node.start_mark.line + 1, field_path(path),
                             f"value cannot be read as YAML {node.tag.rsplit(':', 1)[-1]}") from exc


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
    """Read a UTF-8 file within :data:`MAX_FILE_BYTES`.

    Raises:
        InputError: the file is missing, too large or not UTF-8.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputError(str(path), None, "", f"cannot read file: {exc.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise InputError(str(path), None, "",
                         f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes")
    raw = p.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(str(path), line, "", "file is not valid UTF-8") from None


_NESTING_HINTS = ("[", "{", "- ", "? ")


def _check_shape(text: str, file: str) -> None:
    """Refuse documents nested deeper than :data:`MAX_DEPTH` or of more than :data:`MAX_NODES`
    nodes before composing them.

    libyaml's composer recurses once per level, so a small file nested tens of thousands of
    levels deep would crash the interpreter, and it holds every node of a document in memory
    (hundreds of bytes each: a 16 MB document of ``[1,1,1,...`` would take gigabytes before
    :class:`_Converter` counts it). The parser does neither, so both are measured on its events.
    Only texts that could nest that deep (more than MAX_DEPTH bracket, dash or explicit-key
    openers) or hold that many nodes (a node takes at least half a character) are parsed twice.
    """
    if sum(text.count(h) for h in _NESTING_HINTS) <= MAX_DEPTH and len(text) <= MAX_NODES // 2:
        return
    depth = count = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.DocumentStartEvent):
                count = 0
            elif isinstance(event, yaml.NodeEvent):  # scalar, alias, sequence or mapping start
                count += 1
                if count > MAX_NODES:
                    raise InputError(file, event.start_mark.line + 1, "",
                                     f"document has more than {MAX_NODES:,} nodes; refusing to load it")
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    if depth > MAX_DEPTH:
                        raise InputError(file, event.start_mark.line + 1, "",
                                         f"nesting deeper than {MAX_DEPTH} levels; refusing to load it")
    except yaml.YAMLError:
        return  # the composer reports syntax errors with their line


def load_documents(text: str, file: str) -> Iterator[SourceDoc]:
    """Yield every non-empty document of ``text`` as a :class:`SourceDoc`.

    Raises:
        InputError: YAML syntax error, alias bomb, excessive nesting, duplicate key.
    """
    _check_shape(text, file)
    loader = _Loader(text)
    index = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            conv = _Converter(file)
            data = conv.convert(node, (), 0, conv.lines)
            if data is not None:
                yield SourceDoc(file, index, data, conv.lines, node.start_mark.line + 1)
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
    except RecursionError:
        raise InputError(file, None, "", "nesting too deep to parse; refusing to load it") from None
    finally:
        loader.dispose()


def load_file(path: str | Path) -> list[SourceDoc]:
    """Read and parse every document of a YAML file (see :func:`load_documents`)."""
    return list(load_documents(read_text(path), str(path)))
