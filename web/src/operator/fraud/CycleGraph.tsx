import { useLanguage } from '../../i18n/i18n.js';
import { useFormat } from '../../ui/format-hooks.js';
import { type CycleEdge, nameOf } from './types.js';

const WIDTH = 520;
const HEIGHT = 340;
const RADIUS_X = 170;
const RADIUS_Y = 100;
const NODE_R = 24;
const BEND = 60;

interface Node {
  id: string;
  x: number;
  y: number;
  label: string;
}

/**
 * The cycle a round-trip alert found, as a small SVG: members on a circle, one arrow per payment or
 * transfer, numbered in time order. Payments point at the merchant's owner (that is how the money
 * comes back), so the owner's node names the shop too.
 */
export function CycleGraph({ cycle, names }: { cycle: CycleEdge[]; names: Record<string, string> }) {
  const { t } = useLanguage();
  const format = useFormat();
  const unknown = t('fraud.unknownParty');
  const ids = [...new Set(cycle.flatMap((edge) => [edge.from, edge.to]))];
  const owners = new Map(
    cycle.filter((e) => e.kind === 'payment' && e.merchantId).map((e) => [e.to, e.merchantId as string]),
  );
  const nodes: Node[] = ids.map((id, index) => {
    // From the left, clockwise: two people sit side by side, so the arrows and their labels stay apart.
    const angle = Math.PI + (2 * Math.PI * index) / ids.length;
    const merchantId = owners.get(id);
    const person = nameOf(names, id, unknown);
    return {
      id,
      x: WIDTH / 2 + RADIUS_X * Math.cos(angle),
      y: HEIGHT / 2 + RADIUS_Y * Math.sin(angle),
      label: merchantId
        ? `${person} · ${t('fraud.case.owner', { merchant: nameOf(names, merchantId, unknown) })}`
        : person,
    };
  });
  const at = (id: string) => nodes.find((node) => node.id === id) as Node;
  const edgeLabel = (edge: CycleEdge) =>
    edge.kind === 'payment'
      ? t('fraud.case.edgePayment', {
          amount: format.won(edge.amountWon),
          merchant: nameOf(names, edge.merchantId, unknown),
        })
      : t('fraud.case.edgeTransfer', { amount: format.won(edge.amountWon) });
  return (
    <figure className="fraud-cycle">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        style={{ maxWidth: WIDTH }}
        role="img"
        aria-labelledby="fraud-cycle-title"
      >
        <title id="fraud-cycle-title">{t('fraud.case.cycle')}</title>
        <defs>
          <marker
            id="fraud-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" fill="currentColor" />
          </marker>
        </defs>
        {cycle.map((edge, index) => {
          const from = at(edge.from);
          const to = at(edge.to);
          const dx = to.x - from.x;
          const dy = to.y - from.y;
          const length = Math.hypot(dx, dy) || 1;
          // Bent a little to the side, so two opposite arrows between the same people stay apart.
          const bend = BEND;
          const cx = (from.x + to.x) / 2 - (dy / length) * bend;
          const cy = (from.y + to.y) / 2 + (dx / length) * bend;
          const startX = from.x + (dx / length) * NODE_R;
          const startY = from.y + (dy / length) * NODE_R;
          const endX = to.x - (dx / length) * (NODE_R + 2);
          const endY = to.y - (dy / length) * (NODE_R + 2);
          return (
            <g key={edge.id} className={`fraud-edge fraud-edge-${edge.kind}`}>
              <path
                d={`M${startX},${startY} Q${cx},${cy} ${endX},${endY}`}
                fill="none"
                stroke="currentColor"
                strokeWidth={2}
                markerEnd="url(#fraud-arrow)"
              />
              <text x={cx} y={cy} textAnchor="middle" fontSize={13}>
                {`${index + 1}. ${edgeLabel(edge)}`}
              </text>
            </g>
          );
        })}
        {nodes.map((node) => (
          <g key={node.id} className="fraud-node">
            <circle cx={node.x} cy={node.y} r={NODE_R} fill="var(--surface, #fff)" stroke="currentColor" />
            <text x={node.x} y={node.y + NODE_R + 14} textAnchor="middle" fontSize={14}>
              {node.label}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>{t('fraud.case.cycleCaption')}</figcaption>
      <ol className="fraud-cycle-steps">
        {cycle.map((edge) => (
          <li key={edge.id}>
            {nameOf(names, edge.from, unknown)} → {at(edge.to).label}: {edgeLabel(edge)} ·{' '}
            {format.dateTime(new Date(edge.at))}
          </li>
        ))}
      </ol>
    </figure>
  );
}
