"""Take the guide's screenshots (docs/screens/*.svg) of the wizard on the bundled
sample files, at 100x30, in a throwaway casetui home:

    python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["CASETUI_HOME"] = tempfile.mkdtemp(prefix="casetui-shots-")

from textual.widgets import Input  # noqa: E402

from casetui.checklist import CHECKLIST  # noqa: E402
from casetui.paths import codebooks_dir, samples_dir  # noqa: E402
from casetui.session.store import Session  # noqa: E402
from casetui.tui.app import CasetuiApp  # noqa: E402
from casetui.workflow import Conversion  # noqa: E402

SCREENS = ROOT / "docs" / "screens"
SIZE = (100, 30)
DETAILS = {
    "counsel_name": "Sam Counsel",
    "review_date": "2026-11-20",
    "vendor": "NGP VAN (campaign committee)",
    "path": str(codebooks_dir() / "default.toml"),
    "source": "none",
    "plan": "Signup form with an email opt-in box",
}


async def still(app: CasetuiApp) -> None:
    """Wait for workers and redraws, with no blinking cursor in the picture."""
    await app.workers.wait_for_complete()
    for field in app.screen.query(Input):
        field.cursor_blink = False
    await asyncio.sleep(0.3)


def shoot(app: CasetuiApp, name: str) -> None:
    app.save_screenshot(filename=f"{name}.svg", path=str(SCREENS))
    print(f"wrote docs/screens/{name}.svg")


async def main() -> None:
    # Relative paths, so no folder of the machine that took them shows.
    os.chdir(ROOT)
    samples = samples_dir().relative_to(ROOT)
    files = {
        "casework": samples / "casework_civicrm.csv",
        "voter": samples / "voters_l2.csv",
    }
    conversion = Conversion(Session.create("screenshots"))
    app = CasetuiApp(conversion, demo_files=files)
    async with app.run_test(size=SIZE) as pilot:
        await still(app)
        shoot(app, "checklist")

        conversion.session.set_operator("Dana Operator")
        for item in CHECKLIST:
            conversion.attest(item.key, {f: DETAILS[f] for f, _ in item.fields})
        conversion.complete_checklist()
        app.advance()
        await still(app)
        await pilot.press("enter")  # inspect the casework export
        await still(app)
        shoot(app, "files")

        for role, path in files.items():
            conversion.load(role, path)
        conversion.complete_files()
        app.advance()
        await still(app)
        await pilot.press("down", "down", "enter")  # negative outcomes' hits
        await still(app)
        shoot(app, "suppression")

        conversion.complete_suppression()
        app.advance()
        while not getattr(app.screen, "ready", False):  # the match runs first
            await still(app)
        await still(app)
        shoot(app, "review")
        await pilot.press("a", "r")  # two decisions, so progress shows a pace
        await still(app)
        shoot(app, "review-decided")

        await pilot.press("e")
        await still(app)
        await pilot.press("enter")  # export without the undecided ones
        for _ in range(50):
            await still(app)
            if app.showing == "export" and app.screen.query("#export-folder"):
                break
        folder = app.screen.query_one("#export-folder", Input)
        folder.value = f"~/casetui-exports/{conversion.session.id}"
        await still(app)
        shoot(app, "export")


if __name__ == "__main__":
    asyncio.run(main())
