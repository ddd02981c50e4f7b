import { drawRows, formatWon, renderKoreanPdf } from '../../documents/korean-pdf.js';
import { localIsoDate } from '../../time.js';
import type { TaxStatement } from './tax-statement-service.js';

function percent(rateBp: number): string {
  return `${rateBp / 100}%`;
}

/** The member's yearly statement as a PDF: months, the two categories, totals and what it is for. */
export function taxStatementPdf(statement: TaxStatement, timeZone: string): Promise<Buffer> {
  return renderKoreanPdf(
    { title: `${statement.year} 지역화폐 소득공제 사용내역`, createdAt: statement.issuedAt },
    (doc) => {
      doc.fontSize(18).text(`${statement.year}년 지역화폐 소득공제 사용내역서`);
      doc.fontSize(10).text(`Local currency spending for the ${statement.year} income-tax deduction`);
      doc.moveDown();
      doc.fontSize(11).text(`성명 Name: ${statement.memberName}`);
      doc.text(`회원번호 Member: ${statement.memberId}`);
      doc.text(`발급일 Issued: ${localIsoDate(statement.issuedAt, timeZone)}`);
      doc.moveDown();
      const columns = [0, 80, 220, 360];
      drawRows(doc, columns, [['월 Month', '전통시장 Market', '일반 General', '합계 Total']], {
        rightAlignFrom: 1,
      });
      drawRows(
        doc,
        columns,
        statement.months.map((line) => [
          line.month,
          formatWon(line.traditionalMarketWon),
          formatWon(line.generalWon),
          formatWon(line.traditionalMarketWon + line.generalWon),
        ]),
        { rightAlignFrom: 1 },
      );
      doc.moveDown(0.5);
      const { totals } = statement;
      drawRows(
        doc,
        columns,
        [
          [
            '합계 Total',
            formatWon(totals.traditionalMarketWon),
            formatWon(totals.generalWon),
            formatWon(totals.totalWon),
          ],
        ],
        { rightAlignFrom: 1 },
      );
      const lastRates = statement.months[statement.months.length - 1];
      doc.moveDown();
      doc.text(
        `공제율 Rates: 전통시장 ${percent(lastRates?.traditionalMarketRateBp ?? 0)}, 일반 ${percent(lastRates?.generalRateBp ?? 0)}`,
      );
      doc.text(`공제 대상 금액 × 공제율 Deduction base: ${formatWon(totals.deductionBaseWon)}`);
      doc.moveDown();
      doc
        .fontSize(9)
        .text(
          '충전한 본인 돈으로 결제한 금액만 포함하며 캐시백·정책지원금 사용분은 제외하고 결제 취소는 차감했습니다. 총급여의 25% 기준은 국세청 연말정산에서 적용됩니다.',
        )
        .text(
          'Only spending from your own charged money; cashback and grant spending excluded, cancellations netted. The 25%-of-pay threshold is applied by the tax office.',
        );
    },
  );
}
