"""Documents a donor receives: the receipt (attestation de prise en charge) and the erasure certificate.

Plain functions of a donation, with no request, so that staff pages and the donor's private tracking page
share them. Each read takes a fixed number of queries, whatever the size of the lot.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch
from django.utils import timezone

from core.pdf import render_pdf
from donations.models import Donation
from equipment.enums import COMPUTER_CATEGORIES, ErasureMethod, ErasureResult, ItemCategory
from equipment.models import Drive, ErasureRecord, Item

# --- Receipt -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DonationReceipt:
    """What was taken in charge: the donor, the day, and the items counted by category."""

    donation: Donation
    by_category: list[tuple[str, int]]
    total: int
    issued_on: date


def donation_receipt(donation: Donation) -> DonationReceipt:
    counts = dict(donation.items.values_list("category").annotate(n=Count("id")).order_by())
    by_category = [(category.label, counts[category]) for category in ItemCategory if counts.get(category)]
    return DonationReceipt(
        donation=donation, by_category=by_category, total=sum(counts.values()), issued_on=timezone.localdate()
    )


def donation_receipt_pdf(receipt: DonationReceipt) -> bytes:
    return render_pdf("donations/receipt_pdf.html", {"receipt": receipt})


# --- Erasure certificate -------------------------------------------------------------------------------------

ERASED, DESTROYED, FAILED, PENDING = "erased", "destroyed", "failed", "pending"
OUTCOME_LABELS = {
    ERASED: "Effacé",
    DESTROYED: "Détruit",
    FAILED: "Échec, ni effacé ni détruit",
    PENDING: "En attente de traitement",
}


def _record_moment(record: ErasureRecord):
    return record.finished_at or record.started_at or record.created_at


def _decisive_record(records: list[ErasureRecord]) -> ErasureRecord | None:
    """The record that says what became of the drive: a destruction, else the last pass, else the last failure."""
    for wanted in (
        lambda record: record.method == ErasureMethod.DESTROY,
        lambda record: record.result == ErasureResult.PASSED,
        lambda record: True,
    ):
        matching = [record for record in records if wanted(record)]
        if matching:
            return max(matching, key=_record_moment)
    return None


@dataclass(frozen=True)
class DriveLine:
    """One storage device on the certificate, with the record that decides its outcome."""

    drive: Drive
    record: ErasureRecord | None
    outcome: str

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def when(self):
        return _record_moment(self.record) if self.record else None


@dataclass(frozen=True)
class ErasureCertificate:
    donation: Donation
    lines: list[DriveLine]
    # Computers whose drives are not recorded yet: their erasure is pending too.
    computers_without_drives: list[Item] = field(default_factory=list)
    # Computers a technician checked hold no storage at all: nothing to erase.
    computers_without_storage: list[Item] = field(default_factory=list)
    issued_on: date | None = None

    @property
    def failed(self) -> list[DriveLine]:
        return [line for line in self.lines if line.outcome == FAILED]

    @property
    def pending(self) -> list[DriveLine]:
        return [line for line in self.lines if line.outcome == PENDING]

    @property
    def pending_count(self) -> int:
        return len(self.pending) + len(self.computers_without_drives)

    @property
    def processed(self) -> list[DriveLine]:
        return [line for line in self.lines if line.outcome in (ERASED, DESTROYED)]

    @property
    def is_complete(self) -> bool:
        return not self.failed and not self.pending and not self.computers_without_drives

    @property
    def refusal_reason(self) -> str | None:
        """Why the certificate cannot be issued now (in French), or None."""
        if not self.failed:
            return None
        drives = ", ".join(
            f"{line.drive.serial_number or 'sans n° de série'} ({line.drive.item.asset_tag})" for line in self.failed
        )
        count = len(self.failed)
        return (
            f"Le certificat d'effacement ne peut pas être délivré : l'effacement a échoué sur "
            f"{count} support{'s' if count > 1 else ''} qui n'{'ont' if count > 1 else 'a'} pas été "
            f"détruit{'s' if count > 1 else ''} : {drives}. Refaites l'effacement ou détruisez "
            f"{'ces supports' if count > 1 else 'ce support'}, puis demandez à nouveau le certificat."
        )


def _outcome(record: ErasureRecord | None) -> str:
    if record is None:
        return PENDING
    if record.method == ErasureMethod.DESTROY:
        return DESTROYED
    return ERASED if record.result == ErasureResult.PASSED else FAILED


def erasure_certificate(donation: Donation) -> ErasureCertificate:
    """Every storage device of the donation's items with what became of it (three queries)."""
    drives = (
        Drive.objects.filter(item__donation=donation)
        .select_related("item")
        .prefetch_related(Prefetch("erasures", queryset=ErasureRecord.objects.order_by("id")))
        .order_by("item__asset_tag", "id")
    )
    lines = []
    for drive in drives:
        record = _decisive_record(list(drive.erasures.all()))
        lines.append(DriveLine(drive=drive, record=record, outcome=_outcome(record)))
    without_drives = list(
        donation.items.filter(category__in=COMPUTER_CATEGORIES, drives__isnull=True).order_by("asset_tag")
    )
    return ErasureCertificate(
        donation=donation,
        lines=lines,
        computers_without_drives=[item for item in without_drives if item.no_storage_confirmed_at is None],
        computers_without_storage=[item for item in without_drives if item.no_storage_confirmed_at is not None],
        issued_on=timezone.localdate(),
    )


def erasure_certificate_pdf(certificate: ErasureCertificate) -> bytes:
    """The certificate as PDF; never for a lot with a failed, non-destroyed drive."""
    if certificate.refusal_reason:
        raise ValueError(certificate.refusal_reason)
    return render_pdf("donations/erasure_certificate_pdf.html", {"certificate": certificate})
