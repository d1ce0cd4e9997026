"""The files screen: inspect, load, map an unknown export, continue."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static

from casetui.tui.files import MAP_MYSELF, FilesScreen
from casetui.tui.suppression import SuppressionScreen
from tests.tui.conftest import attest_all, make_app, screen_text, settle


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_keyboard_inspect_load_both_and_continue(
    conversion, casework_csv, voter_csv
):
    attest_all(conversion)
    demo = {"casework": casework_csv, "voter": voter_csv}
    app = make_app(conversion, demo_files=demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FilesScreen)
        assert screen.query_one("#path-casework", Input).value == str(casework_csv)

        await pilot.press("enter")  # inspect the casework file
        await settle(pilot)
        assert "civicrm" in shown(screen, "#summary")
        preview = screen.query_one("#preview", DataTable)
        labels = [str(col.label) for col in preview.columns.values()]
        assert "case_type -> category" in labels
        assert preview.row_count == 4

        await pilot.press("ctrl+l")
        await settle(pilot)
        assert "[x] loaded casework.csv: 4 rows" in shown(screen, "#status-casework")
        assert "Scrub report" in shown(screen, "#report")
        # Loading the casework moves on to the voter file's path.
        assert screen.focused is screen.query_one("#path-voter", Input)

        await pilot.press("ctrl+l")
        await settle(pilot)
        assert "[x] loaded voters.csv: 3 rows" in shown(screen, "#status-voter")

        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, SuppressionScreen)
    assert {"casework", "voter"} <= set(conversion.session.files())


async def test_continue_refused_until_both_files_are_loaded(conversion, casework_csv):
    attest_all(conversion)
    app = make_app(conversion, demo_files={"casework": casework_csv})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, FilesScreen)
    assert "files" not in conversion.session.completed_steps()


async def test_missing_file_is_reported_not_raised(conversion, tmp_path):
    attest_all(conversion)
    missing = tmp_path / "nowhere.csv"
    app = make_app(conversion, demo_files={"casework": missing})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FilesScreen)
        assert any("nowhere.csv" in n.message for n in app._notifications)


async def test_unknown_export_is_mapped_saved_and_loaded(conversion, tmp_path):
    attest_all(conversion)
    odd = tmp_path / "office.csv"
    odd.write_text(
        "Ref,Surname,Given,Kind\nR1,Smith,Ann,Passport\nR2,Lee,Cal,Housing\n",
        encoding="utf-8",
    )
    app = make_app(conversion, demo_files={"casework": odd})
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#layout", Select).value == MAP_MYSELF
        assert screen.query_one("#mapping").display
        # The operator fixes whatever the suggestion missed.
        for field, header in (
            ("case_id", "Ref"),
            ("last_name", "Surname"),
            ("first_name", "Given"),
            ("category", "Kind"),
        ):
            screen.query_one(f"#map-{field}", Select).value = header
        screen.query_one("#layout-name", Input).focus()
        await pilot.press(*"office_crm", "enter")
        await settle(pilot)
        assert "[x] loaded office.csv: 2 rows, layout office_crm" in shown(
            screen, "#status-casework"
        )
    from casetui.pipeline.layouts import saved_layouts

    assert "office_crm" in [layout.name for layout in saved_layouts()]


async def inspect_first(pilot) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def snapshot_app(conversion, casework_csv, voter_csv, monkeypatch):
    """Paths relative to the test's folder, so the picture is the same anywhere."""
    attest_all(conversion)
    monkeypatch.chdir(casework_csv.parent)
    files = {"casework": Path(casework_csv.name), "voter": Path(voter_csv.name)}
    return make_app(conversion, demo_files=files)


def test_files_snapshot_80x24(
    conversion, casework_csv, voter_csv, monkeypatch, snap_compare
):
    app = snapshot_app(conversion, casework_csv, voter_csv, monkeypatch)
    assert snap_compare(app, terminal_size=(80, 24), run_before=inspect_first)


def test_files_snapshot_120x40(
    conversion, casework_csv, voter_csv, monkeypatch, snap_compare
):
    app = snapshot_app(conversion, casework_csv, voter_csv, monkeypatch)
    assert snap_compare(app, terminal_size=(120, 40), run_before=inspect_first)


async def test_a_failed_load_opens_a_readable_error_dialog(conversion, tmp_path):
    from casetui.tui.widgets import ErrorDialog

    attest_all(conversion)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    app = make_app(conversion, demo_files={"casework": empty})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "empty.csv" in app.screen.message
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FilesScreen)
        assert "Loading failed" in shown(app.screen, "#report")
    assert "casework" not in conversion.session.files()


async def test_moving_to_the_other_file_never_leaves_the_first_ones_details(
    conversion, casework_csv, voter_csv
):
    attest_all(conversion)
    demo = {"casework": casework_csv, "voter": voter_csv}
    app = make_app(conversion, demo_files=demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("enter")  # inspect the casework file
        await settle(pilot)
        assert "civicrm" in shown(screen, "#summary")

        screen.query_one("#path-voter", Input).focus()
        await settle(pilot)
        assert "civicrm" not in shown(screen, "#summary")
        assert "Voter file" in shown(screen, "#details-title")
        assert not screen.query_one("#preview", DataTable).display


async def test_the_load_report_shows_flagged_values_by_row(conversion, tmp_path):
    attest_all(conversion)
    voters = tmp_path / "voters.csv"
    voters.write_text(
        "LALVOTERID,Voters_FirstName,Voters_LastName,Residence_Addresses_State,"
        "Residence_Addresses_Zip,VoterTelephones_CellPhoneFormatted\n"
        "V1,Ana,Ruiz,MA,2139,6.175550123E9\n"
        "V2,Bo,Lee,TX,7501,1.61755501E+10\n"
    )
    app = make_app(conversion, demo_files={"voter": voters})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#path-voter", Input).focus()
        await pilot.press("ctrl+l")
        await settle(pilot)
        report = shown(screen, "#report")
        assert "[x] loaded voters.csv: 2 rows" in shown(screen, "#status-voter")
        assert "values repaired 2, flagged 2" in report
        assert "digits lost in scientific notation (lossy); left empty (row 3)" in (
            " ".join(report.split())
        )
        assert "Ruiz" not in report and "7501" not in report
    stored = conversion.load_report("voter")
    assert stored is not None and stored.flagged == 2


async def test_a_file_that_will_not_parse_opens_a_dialog_on_enter(conversion, tmp_path):
    from casetui.tui.widgets import ErrorDialog

    attest_all(conversion)
    binary = tmp_path / "export.csv"
    binary.write_bytes(bytes(range(256)) * 8)
    app = make_app(conversion, demo_files={"casework": binary})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "export.csv" in app.screen.message
        # The text is in a read-only text area, so it can be selected and copied.
        assert app.screen.query_one("#error-text").read_only
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FilesScreen)
        assert "export.csv could not be read" in shown(app.screen, "#details-title")


async def test_the_old_preview_goes_when_the_path_names_a_file_that_fails(
    conversion, casework_csv, tmp_path
):
    attest_all(conversion)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(bytes(range(256)) * 8)
    app = make_app(conversion, demo_files={"casework": casework_csv})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("enter")
        await settle(pilot)
        assert "casework.csv" in shown(screen, "#details-title")
        assert screen.query_one("#preview", DataTable).display

        for key in ("enter", "ctrl+l"):
            field = screen.query_one("#path-casework", Input)
            field.value = str(casework_csv)
            await pilot.press("enter")  # the good file's preview again
            await settle(pilot)
            field.value = str(broken)
            await pilot.press(key)
            await settle(pilot)
            await pilot.press("escape")  # the error dialog
            await settle(pilot)
            title = shown(screen, "#details-title")
            assert "casework.csv" not in title and "broken.csv could not be" in title
            assert "civicrm" not in shown(screen, "#summary")
            assert not screen.query_one("#preview", DataTable).display


async def test_a_path_to_no_file_is_a_notification_on_load_too(conversion, tmp_path):
    attest_all(conversion)
    app = make_app(conversion, demo_files={"casework": tmp_path / "gone.csv"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, FilesScreen)
        assert any("gone.csv does not exist" in n.message for n in app._notifications)


async def tree_loaded(pilot) -> None:
    """Wait until the file browser lists its folder (its loader never ends, so
    settle() would wait for ever)."""
    from textual.widgets import DirectoryTree

    for _ in range(100):
        await pilot.pause(0.02)
        tree = pilot.app.screen.query_one(DirectoryTree)
        if tree.root.children and Path(tree.root.data.path) == Path(tree.path):
            return
    raise AssertionError("the file browser never listed its folder")


def rooted_at(picker) -> Path:
    """The folder the file browser lists."""
    from textual.widgets import DirectoryTree

    return Path(picker.query_one(DirectoryTree).path).resolve()


async def test_the_file_browser_goes_up_to_the_parent_folder(conversion, tmp_path):
    from textual.widgets import DirectoryTree

    from casetui.tui.widgets import FilePicker

    attest_all(conversion)
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "old.csv").write_text("a\n1\n", encoding="utf-8")
    wanted = tmp_path / "wanted.csv"
    wanted.write_text("a\n1\n", encoding="utf-8")
    app = make_app(conversion, demo_files={"casework": inner / "old.csv"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await tree_loaded(pilot)
        picker = app.screen
        assert isinstance(picker, FilePicker)
        assert rooted_at(picker) == inner.resolve()

        await pilot.press("backspace")
        await tree_loaded(pilot)
        assert rooted_at(picker) == tmp_path.resolve()
        title = str(picker.query_one(".dialog-title", Static).render())
        assert title == f"Pick a file under {tmp_path.resolve()}"
        tree = picker.query_one(DirectoryTree)
        while tree.cursor_node is None or tree.cursor_node.data.path != wanted:
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FilesScreen)
        assert app.screen.query_one("#path-casework", Input).value == str(
            wanted.resolve()
        )


async def test_left_on_a_top_entry_of_the_file_browser_goes_up(conversion, tmp_path):
    from casetui.tui.widgets import FilePicker

    attest_all(conversion)
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "old.csv").write_text("a\n1\n", encoding="utf-8")
    app = make_app(conversion, demo_files={"casework": inner / "old.csv"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await tree_loaded(pilot)
        assert isinstance(app.screen, FilePicker)
        await pilot.press("down", "left")  # old.csv, a top entry
        await tree_loaded(pilot)
        assert rooted_at(app.screen) == tmp_path.resolve()


async def test_the_hint_follows_the_files_loaded(conversion, casework_csv, voter_csv):
    attest_all(conversion)
    demo = {"casework": casework_csv, "voter": voter_csv}
    app = make_app(conversion, demo_files=demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert shown(screen, "#next-step").startswith("Load both files")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert shown(screen, "#next-step").startswith("Voter file still to load")
        await pilot.press("ctrl+l")  # the voter path has the cursor now
        await settle(pilot)
        assert shown(screen, "#next-step") == (
            "Both files are loaded: ctrl+n continues to suppression."
        )
        title = shown(screen, "#details-title")
        assert (
            title
            == "Voter file: voters.csv is loaded; enter or ctrl+r inspects it again"
        )
        assert "ctrl+n continues" in screen_text(app)
