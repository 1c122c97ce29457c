"""Personal data never reaches docs/: redaction, and the output scan that stops the build."""
import pytest

from findings import privacy
from findings.errors import DataError


def test_redact_removes_plain_and_obfuscated_email_addresses():
    text = "Contact a.b-c.22@ucl.ac.uk or b.lloyd-evans{at}ucl.ac.uk today."
    out = privacy.redact(text)
    assert "@" not in out and "{at}" not in out
    assert out.count(privacy.REDACTED) == 2 and out.startswith("Contact ")


def test_output_with_an_email_stops_the_build_naming_file_and_line():
    files = {"page.md": "# Title\nfine\nmail me at someone@example.org\n"}
    with pytest.raises(DataError) as e:
        privacy.check_output(files)
    msg = str(e.value)
    assert "build/page.md" in msg and "line 3" in msg and "someone@example.org" in msg


@pytest.mark.parametrize("leak", ["IP 192.168.1.20 seen", "column IPAddress", "LocationLatitude"])
def test_ip_addresses_and_personal_fields_are_refused(leak):
    with pytest.raises(DataError):
        privacy.check_output({"a.csv": leak})


def test_clean_output_passes():
    privacy.check_output({"a.md": "70% of 50 respondents; version 1.2.3"})
