import QRCode from 'qrcode';
import { useMemo } from 'react';

interface QrCodeProps {
  text: string;
  label: string;
  sizePx?: number;
  dimmed?: boolean;
}

const QUIET_ZONE_MODULES = 4;

/** Draws the QR matrix as one SVG path: crisp at any size and when printed, no canvas or data URL. */
export function QrCode({ text, label, sizePx = 240, dimmed = false }: QrCodeProps) {
  const { path, viewSize } = useMemo(() => {
    const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const squares: string[] = [];
    for (let row = 0; row < modules.size; row += 1) {
      for (let column = 0; column < modules.size; column += 1) {
        if (modules.get(row, column)) {
          squares.push(`M${column + QUIET_ZONE_MODULES} ${row + QUIET_ZONE_MODULES}h1v1h-1z`);
        }
      }
    }
    return { path: squares.join(''), viewSize: modules.size + QUIET_ZONE_MODULES * 2 };
  }, [text]);
  return (
    <svg
      className={`qr${dimmed ? ' qr-dimmed' : ''}`}
      role="img"
      aria-label={label}
      width={sizePx}
      height={sizePx}
      viewBox={`0 0 ${viewSize} ${viewSize}`}
      shapeRendering="crispEdges"
    >
      <rect width={viewSize} height={viewSize} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
