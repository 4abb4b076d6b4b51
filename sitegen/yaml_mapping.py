"""Safe-loads a YAML mapping and keeps the file line of every top-level key.

PyYAML is used with care (reliability.md §1): libyaml's parser for speed, no implicit
timestamps (dates stay text and are validated later), no duplicate keys, no aliases, and every
exception, marked or not, becomes a located user error. Used for front matter and `sitegen.yaml`.
"""

from __future__ import annotations

from typing import Any

import yaml

from sitegen.errors import SitegenError, raise_all

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# libyaml recurses on flow collections and segfaults on `[[[[…` a few thousand deep.
_MAX_FLOW_DEPTH = 64
_MAX_BYTES = 256 * 1024


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader that leaves dates as strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_yaml_mapping(
    yaml_text: str,
    rel_path: str,
    *,
    first_line: int,
    error_type: type[SitegenError],
    item_lines: dict[str, tuple[int, ...]] | None = None,
) -> tuple[dict[str, Any], dict[str, int]]:
    """Safe-load a YAML mapping; return its values and the file line of each top-level key.

    `first_line` is the file line of the first YAML line. Used for front matter and for
    `sitegen.yaml`. `item_lines`, when given, receives the file line of every item of each
    top-level list (an error in `aliases:` then points at the item, not at the key).
    """
    lines = yaml_text.split("\n")

    def err(message: str, line: int | None, column: int | None = None, hint: str | None = None) -> SitegenError:
        src = lines[line - first_line] if line is not None and 0 <= line - first_line < len(lines) else None
        return error_type(message, path=rel_path, line=line, column=column, hint=hint, source_line=src)

    if len(yaml_text.encode("utf-8", "surrogatepass")) > _MAX_BYTES:
        raise err(f"front matter is larger than {_MAX_BYTES // 1024} KiB", first_line)
    depth_line = _too_deep(yaml_text)
    if depth_line is not None:
        raise err(f"YAML nested more than {_MAX_FLOW_DEPTH} levels deep", depth_line + first_line)

    loader = _Loader(yaml_text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise _marked_error(exc, rel_path, first_line, lines, error_type) from exc
        except yaml.reader.ReaderError as exc:  # control characters: a position, no line
            line = yaml_text[: exc.position].count("\n") + first_line
            raise err(f"invalid YAML: character U+{exc.character:04X} is not allowed", line) from exc
        except yaml.YAMLError as exc:
            raise err(f"invalid YAML: {exc}", first_line) from exc
        except (RecursionError, ValueError, OverflowError) as exc:
            raise err(f"invalid YAML: {type(exc).__name__}: {exc}", first_line) from exc
        if root is None:
            return {}, {}
        if not isinstance(root, yaml.MappingNode):
            raise err("expected a mapping of `key: value` lines", root.start_mark.line + first_line)
        return _construct_mapping(loader, root, err, first_line, item_lines)
    finally:
        loader.dispose()


def _construct_mapping(
    loader: yaml.SafeLoader,
    root: yaml.MappingNode,
    err: Any,
    first_line: int,
    item_lines: dict[str, tuple[int, ...]] | None,
) -> tuple[dict[str, Any], dict[str, int]]:
    data: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    problems: list[SitegenError] = []
    seen_nodes: set[int] = set()
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + first_line
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(err("a key must be plain text", line))
            continue
        key = str(key_node.value)
        if key in key_lines:
            problems.append(
                err(
                    f"{key}: duplicate key (first set on line {key_lines[key]})",
                    line,
                    hint="keep one of them",
                )
            )
            continue
        key_lines[key] = line
        if item_lines is not None and isinstance(value_node, yaml.SequenceNode):
            item_lines[key] = tuple(item.start_mark.line + first_line for item in value_node.value)
        alias = _find_alias(value_node, seen_nodes)
        if alias:
            problems.append(err(f"{key}: YAML anchors and aliases are not allowed", line, hint="write the value out"))
            continue
        try:
            data[key] = loader.construct_object(value_node, deep=True)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = mark.line + first_line if mark else line
            problems.append(err(f"{key}: {exc.problem or exc.context}", where))
        except (ValueError, OverflowError, RecursionError, TypeError) as exc:
            # PyYAML raises these without a mark (reliability.md §1): the key's line is the best we know.
            problems.append(err(f"{key}: invalid value ({exc})", line))
    raise_all(problems)
    return data, key_lines


def _find_alias(node: yaml.Node, seen: set[int]) -> bool:
    """True if a node appears twice under `node`: libyaml resolves an alias to the same object."""
    if id(node) in seen:
        return True
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        return any(_find_alias(child, seen) for child in node.value)
    if isinstance(node, yaml.MappingNode):
        return any(_find_alias(k, seen) or _find_alias(v, seen) for k, v in node.value)
    return False


def _too_deep(yaml_text: str) -> int | None:
    """The 0-based line where flow brackets nest too deep, if they do (a cheap, conservative scan)."""
    if yaml_text.count("[") + yaml_text.count("{") <= _MAX_FLOW_DEPTH:
        return None  # cannot nest deeper than there are brackets: skip the character loop
    depth = 0
    line = 0
    for ch in yaml_text:
        if ch == "\n":
            line += 1
        elif ch in "[{":
            depth += 1
            if depth > _MAX_FLOW_DEPTH:
                return line
        elif ch in "]}" and depth:
            depth -= 1
    return None


def _unclosed_quote_line(lines: list[str], upto: int) -> int | None:
    """The last line before `upto` with an odd number of `"`: a quoted value that runs on (0-based)."""
    for index in range(min(upto, len(lines)) - 1, -1, -1):
        if lines[index].replace('\\"', "").count('"') % 2:
            return index
    return None


def _marked_error(
    exc: yaml.MarkedYAMLError,
    rel_path: str,
    first_line: int,
    lines: list[str],
    error_type: type[SitegenError],
) -> SitegenError:
    problem = (exc.problem or "invalid YAML").strip()
    context = exc.context.strip() if exc.context else ""
    unclosed = "flow" in context and exc.context_mark is not None
    # An unclosed `[` or `{` is found only lines later; the bracket's own line is where to fix it.
    mark = exc.context_mark if unclosed else exc.problem_mark or exc.context_mark
    line = mark.line + first_line if mark else first_line
    column = mark.column + 1 if mark else None
    message = f"invalid YAML: {problem}"
    if unclosed and exc.problem_mark:
        kind = "list" if "sequence" in context else "mapping"
        closer = "]" if kind == "list" else "}"
        message = (
            f"invalid YAML: this {kind} is not closed (no `{closer}` before line {exc.problem_mark.line + first_line})"
        )
    elif context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
        message += f" ({context} opened on line {exc.context_mark.line + first_line})"
    elif context:
        message += f" ({context})"
    hint = None
    src_line = lines[line - first_line] if 0 <= line - first_line < len(lines) else ""
    if unclosed:
        hint = "close it on the same line, e.g. tags: [НАТО, Україна]"
    elif "mapping values are not allowed" in problem:
        key, _, value = src_line.partition(":")
        hint = f'put the value in quotes: {key.strip()}: "{value.strip()}"' if value else "put the value in quotes"
    elif "\t" in problem or (mark is not None and src_line[mark.column : mark.column + 1] == "\t"):
        hint = "indent with spaces, not tabs"
    elif (open_quote := _unclosed_quote_line(lines, line - first_line)) is not None:
        hint = f"the quote opened on line {open_quote + first_line} is not closed on that line"
    src = lines[line - first_line] if 0 <= line - first_line < len(lines) else None
    return error_type(message, path=rel_path, line=line, column=column, hint=hint, source_line=src)
