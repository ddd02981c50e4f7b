import { useEffect, useRef, useState } from 'react';
import { useLanguage } from '../i18n/i18n.js';
import { Button } from './Button.js';
import { Notice } from './Notice.js';

/** The Shape Detection API: Chromium on Android, ChromeOS and macOS have it; elsewhere people type the code. */
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<Array<{ rawValue: string }>>;
}
type BarcodeDetectorConstructor = new (options: { formats: string[] }) => BarcodeDetectorLike;

function barcodeDetector(): BarcodeDetectorConstructor | null {
  const candidate = (globalThis as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
  return candidate && 'mediaDevices' in navigator ? candidate : null;
}

export function canScanQr(): boolean {
  return barcodeDetector() !== null;
}

const SCAN_INTERVAL_MS = 250;

interface QrScannerProps {
  label: string;
  onScan: (text: string) => void;
  onClose: () => void;
}

/** The rear camera, read a few times a second until a QR code shows up; the camera stops on close. */
export function QrScanner({ label, onScan, onClose }: QrScannerProps) {
  const { t } = useLanguage();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [failed, setFailed] = useState(false);
  const onScanRef = useRef(onScan);
  onScanRef.current = onScan;

  useEffect(() => {
    const Detector = barcodeDetector();
    if (!Detector) return;
    const detector = new Detector({ formats: ['qr_code'] });
    let stream: MediaStream | null = null;
    let timer: number | undefined;
    let stopped = false;
    const scan = async () => {
      const video = videoRef.current;
      if (stopped || !video || video.readyState < 2) return;
      const [code] = await detector.detect(video).catch(() => []);
      if (code && !stopped) onScanRef.current(code.rawValue);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(async (media) => {
        stream = media;
        if (stopped || !videoRef.current) return;
        videoRef.current.srcObject = media;
        await videoRef.current.play();
        timer = window.setInterval(scan, SCAN_INTERVAL_MS);
      })
      .catch(() => setFailed(true));
    return () => {
      stopped = true;
      window.clearInterval(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, []);

  return (
    <div className="scanner">
      {failed ? (
        <Notice tone="warning">{t('app.cameraUnavailable')}</Notice>
      ) : (
        <video ref={videoRef} className="scanner-video" muted playsInline aria-label={label} />
      )}
      <Button variant="secondary" onClick={onClose}>
        {t('app.close')}
      </Button>
    </div>
  );
}
