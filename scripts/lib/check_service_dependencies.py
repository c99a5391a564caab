"""Fails when a service target (or the `ballast` CLI) depends on, or its source imports, a service's library.

Services share code only through Shared/ libraries (docs/architecture.md, "Shared libraries").
Reads the `services` table of Package.swift: (folder, library, executable, [dependencies]), a row possibly
spread over several lines, and the CLI target's dependencies.
"""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[2]
package = (root / "Package.swift").read_text()
table = package[package.index("let services:"):package.index("let serviceResources")]
rows = re.findall(r'\(\s*"([^"]+)", "([^"]+)", "([^"]+)",\s*\[(.*?)\]\s*\),', table, re.DOTALL)
if not rows:
    sys.exit("check-service-dependencies: no services table found in Package.swift")
libraries = {library: folder for folder, library, _, _ in rows}
problems = []
for folder, library, _, dependencies in rows:
    for name in re.findall(r'"([^"]+)"', dependencies):
        if name in libraries and name != library:
            problems.append(f"Package.swift: service {library} depends on service {name}")
    for source in sorted((root / "Services" / folder).rglob("*.swift")):
        if source.parent.name == "Main":
            continue
        for module in re.findall(r"^(?:@testable )?import (\w+)$", source.read_text(), re.MULTILINE):
            if module in libraries and module != library:
                problems.append(f"{source.relative_to(root)}: imports service {module}")
cli = re.search(r'name: "BallastCLI",\s*dependencies: \[(.*?)\]', package, re.DOTALL)
if not cli:
    sys.exit("check-service-dependencies: no BallastCLI target found in Package.swift")
for name in re.findall(r'^\s*"([^"]+)"', cli.group(1), re.MULTILINE):
    if name in libraries:
        problems.append(f"Package.swift: the ballast CLI depends on service {name}")
for source in sorted((root / "Services" / "ballast").rglob("*.swift")):
    for module in re.findall(r"^(?:@testable )?import (\w+)$", source.read_text(), re.MULTILINE):
        if module in libraries:
            problems.append(f"{source.relative_to(root)}: imports service {module}")
if problems:
    sys.exit("services and the CLI must depend only on Shared/ libraries:\n  " + "\n  ".join(problems))
print(f"service dependencies OK: {len(rows)} services and the CLI, each on Shared/ libraries only")
