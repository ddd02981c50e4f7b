import { drawRows, formatWon, renderKoreanPdf } from '../../documents/korean-pdf.js';
import { localIsoDate } from '../../time.js';
import type { Charity, Donation } from './types.js';

export interface DonationRecord {
  memberName: string;
  year: number;
  /** The first donations of the year, in order (a record lists a bounded number). */
  donations: Donation[];
  /** Every donation of the year: the total always covers all of them. */
  yearTotal: { count: number; totalWon: number };
  charities: Map<string, Charity>;
  issuedAt: Date;
  /** The city's: dates are printed as its residents read them. */
  timeZone: string;
}

const SOURCE_LABEL = { cash: '충전금', cashback: '캐시백', grant: '정책지원금' } as const;

/** A member's donations of one year as a PDF record; the tax receipt itself comes from the charity body. */
export function donationRecordPdf(record: DonationRecord): Promise<Buffer> {
  const { count, totalWon } = record.yearTotal;
  const unlistedCount = count - record.donations.length;
  return renderKoreanPdf({ title: `${record.year} 기부 내역`, createdAt: record.issuedAt }, (doc) => {
    doc.fontSize(18).text(`${record.year}년 온정나눔 기부 내역`);
    doc.fontSize(10).text(`Donation record ${record.year}`);
    doc.moveDown();
    doc.fontSize(11).text(`성명 Name: ${record.memberName}`);
    doc.text(`발급일 Issued: ${localIsoDate(record.issuedAt, record.timeZone)}`);
    doc.moveDown();
    const columns = [0, 90, 290, 370];
    drawRows(doc, columns, [['날짜 Date', '기부처 Charity', '재원 Source', '금액 Amount']], {
      rightAlignFrom: 3,
    });
    drawRows(
      doc,
      columns,
      record.donations.map((donation) => [
        localIsoDate(donation.createdAt, record.timeZone),
        record.charities.get(donation.charityId)?.name ?? donation.charityId,
        SOURCE_LABEL[donation.source],
        formatWon(donation.amountWon),
      ]),
      { rightAlignFrom: 3 },
    );
    if (unlistedCount > 0)
      doc
        .fontSize(9)
        .text(
          `외 ${unlistedCount}건은 목록에 없으며 합계에는 포함됩니다. ${unlistedCount} more are not listed; the total includes them.`,
        )
        .fontSize(11);
    doc.moveDown(0.5);
    drawRows(doc, columns, [['합계 Total', `${count}건`, '', formatWon(totalWon)]], {
      rightAlignFrom: 3,
    });
    doc.moveDown();
    doc
      .fontSize(9)
      .text(
        '기부금 영수증은 동행협약에 따라 사회복지공동모금회가 발급합니다. 이 문서는 기부 내역 확인용입니다.',
      )
      .text(
        'The tax receipt for donations is issued by the Community Chest of Korea; this is a record of your donations.',
      );
  });
}
