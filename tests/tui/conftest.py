"""Fixtures for the wizard's Pilot tests: a fresh session in a private home, tiny
casework and voter files in the bundled layouts, and helpers that walk the steps
before the one under test without the UI."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from casetui.checklist import CHECKLIST
from casetui.paths import codebooks_dir
from casetui.session.store import Session
from casetui.tui.app import CasetuiApp
from casetui.workflow import Conversion
from tests.tui.review_fixtures import matched  # noqa: F401  (the review tests' session)

CASEWORK_HEADER = (
    "contact_id,case_id,case_type,case_subject,case_status,case_outcome,"
    "case_start_date,case_end_date,first_name,middle_name,last_name,"
    "individual_suffix,birth_date,street_address,supplemental_address_1,city,"
    "state_province,postal_code,postal_code_suffix,phone,email,do_not_mail,"
    "do_not_phone,is_opt_out,is_deceased,campaign_email_opt_in,case_details"
)
CASEWORK_ROWS = (
    "1,C-1,Passport,Renewal,Closed,Favorable,2025-01-02,2025-02-01,Ann,,Smith,,,"
    "1 Main St,,Boston,MA,02108,,,,0,0,0,0,0,",
    "2,C-2,Domestic Violence,Help,Closed,Favorable,2025-01-03,2025-02-01,Bea,,Jones,"
    ",,2 Elm St,,Boston,MA,02108,,,,0,0,0,0,0,",
    "3,C-3,Housing,Rent,Closed,Denied,2025-01-04,2025-02-01,Cal,,Lee,,,3 Oak Ave,,"
    "Boston,MA,02108,,,,0,0,0,0,0,",
    "4,C-4,VA Claim,Benefits,Closed,Favorable,2025-01-05,2025-02-01,Dee,,Park,,,"
    "4 Pine St,,Boston,MA,02108,,,,0,0,0,0,0,SSN 123-45-6789",
)
VOTER_HEADER = (
    "LALVOTERID,Voters_Active,Voters_StateVoterID,Voters_FirstName,"
    "Voters_MiddleName,Voters_LastName,Voters_NameSuffix,"
    "Residence_Addresses_AddressLine,Residence_Addresses_ExtraAddressLine,"
    "Residence_Addresses_City,Residence_Addresses_State,Residence_Addresses_Zip,"
    "Residence_Addresses_ZipPlus4,VoterTelephones_LandlineFormatted,"
    "VoterTelephones_CellPhoneFormatted,Voters_Gender,Voters_Age,Parties_Description"
)
VOTER_ROWS = (
    "LALMA1,A,S1,Ann,,Smith,,1 Main St,,Boston,MA,02108,,,,F,40,Democratic",
    "LALMA2,A,S2,Cal,,Lee,,3 Oak Ave,,Boston,MA,02108,,,,M,50,Republican",
    "LALMA3,A,S3,Dee,,Park,,4 Pine St,,Boston,MA,02108,,,,F,60,Unaffiliated",
)


@pytest.fixture
def casework_csv(tmp_path: Path) -> Path:
    path = tmp_path / "casework.csv"
    path.write_text("\n".join((CASEWORK_HEADER, *CASEWORK_ROWS)) + "\n", "utf-8")
    return path


@pytest.fixture
def voter_csv(tmp_path: Path) -> Path:
    path = tmp_path / "voters.csv"
    path.write_text("\n".join((VOTER_HEADER, *VOTER_ROWS)) + "\n", "utf-8")
    return path


@pytest.fixture
def conversion(casetui_home: Path) -> Conversion:
    return Conversion(Session.create("tui-test"))


def attest_all(conversion: Conversion) -> None:
    """Finish the checklist step without the UI."""
    conversion.session.set_operator("Test Operator")
    for item in CHECKLIST:
        details = {key: "x" for key, _ in item.fields}
        if item.key == "codebook":
            details["path"] = str(codebooks_dir() / "default.toml")
        if item.key == "suppression_list":
            details["source"] = "none"
        if item.key == "counsel_review":
            details["review_date"] = "2026-11-20"
        conversion.attest(item.key, details)
    conversion.complete_checklist()


def load_both(conversion: Conversion, casework: Path, voters: Path) -> None:
    """Finish the files step without the UI."""
    conversion.load("casework", casework)
    conversion.load("voter", voters)
    conversion.complete_files()


def make_app(conversion: Conversion, **kwargs: object) -> CasetuiApp:
    return CasetuiApp(conversion, **kwargs)  # type: ignore[arg-type]


async def settle(pilot: Pilot) -> None:
    """Wait for workers and redraws, and stop the cursor blinking (snapshots)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def screen_text(app) -> str:
    """What the terminal shows now, as plain text (one line per row)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        color_system=None,
        record=True,
        legacy_windows=False,
    )
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


async def attest_by_keyboard(pilot) -> None:
    """Type a name and every item's fields, tick each item, continue."""
    await pilot.press(*keys("Pat Doe"), "enter")
    for item in CHECKLIST:
        for field, _label in item.fields:
            focused = pilot.app.screen.focused
            assert isinstance(focused, Input)
            if not focused.value:
                typed = {"source": "none", "review_date": "2026-11-20"}
                await pilot.press(*keys(typed.get(field, "Yes")))
            await pilot.press("tab")
        assert isinstance(pilot.app.screen.focused, Checkbox)
        await pilot.press("space", "tab")
    await pilot.press("ctrl+n")
    await settle(pilot)
