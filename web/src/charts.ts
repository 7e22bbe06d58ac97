// Pictures where pictures beat text: a mentions timeline (SVG bars), an ATT&CK heat map (tactic columns) and the
// relationship graph (sigma + graphology, WebGL).
import Graph from 'graphology';
import Sigma from 'sigma';
import { h, svg } from './dom.js';

/** Bars of mentions per day. */
export function timelineChart(points: readonly { date: string; count: number }[], label: string): Element {
  const width = 640;
  const height = 120;
  const max = Math.max(1, ...points.map((p) => p.count));
  const bar = Math.max(2, Math.floor((width - 40) / Math.max(1, points.length)) - 2);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height + 24}`, role: 'img', 'aria-label': label, class: 'timeline' });
  points.forEach((p, i) => {
    const barHeight = Math.round((p.count / max) * height);
    const x = 30 + i * (bar + 2);
    const rect = svg('rect', { x, y: height - barHeight, width: bar, height: barHeight, class: 'bar' });
    rect.append(svg('title', {}, `${p.date}: ${p.count}`));
    chart.append(rect);
  });
  chart.append(svg('text', { x: 30, y: height + 18, class: 'axis' }, points[0]?.date ?? ''));
  chart.append(svg('text', { x: width - 10, y: height + 18, class: 'axis', 'text-anchor': 'end' }, points[points.length - 1]?.date ?? ''));
  chart.append(svg('text', { x: 2, y: 12, class: 'axis' }, String(max)));
  return chart;
}

const TACTICS = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
];

export interface HeatTechnique {
  readonly id: string;
  readonly techniqueId?: string;
  readonly name: string;
  readonly tactics: readonly string[];
  readonly score: number;
}

/** ATT&CK matrix heat map: one column per tactic, the entity's techniques shaded by evidence. */
export function heatMap(techniques: readonly HeatTechnique[], onOpen: (id: string) => void): Element {
  const max = Math.max(1, ...techniques.map((t) => t.score));
  const columns = TACTICS.filter((tactic) => techniques.some((t) => t.tactics.includes(tactic)));
  const untagged = techniques.filter((t) => !t.tactics.some((x) => TACTICS.includes(x)));
  const grid = h('div', { class: 'heatmap', role: 'table', 'aria-label': 'ATT&CK' });
  const cols = [...columns.map((c) => ({ tactic: c, list: techniques.filter((t) => t.tactics.includes(c)) }))];
  if (untagged.length > 0) cols.push({ tactic: 'other', list: untagged });
  for (const col of cols) {
    grid.append(
      h(
        'div',
        { class: 'tactic', role: 'rowgroup' },
        h('div', { class: 'tactic-name', role: 'columnheader' }, col.tactic.replace(/-/g, ' ')),
        ...col.list.map((t) => {
          const level = Math.ceil((t.score / max) * 4);
          return h(
            'button',
            {
              class: `cell heat-${level}`,
              type: 'button',
              title: `${t.techniqueId ?? ''} ${t.name} (${t.score})`,
              onclick: () => onOpen(t.id),
            },
            h('span', { class: 'tid' }, t.techniqueId ?? ''),
            ' ',
            t.name,
          );
        }),
      ),
    );
  }
  return grid;
}

const TYPE_COLOURS: Record<string, string> = {
  'intrusion-set': '#c0392b',
  'threat-actor': '#c0392b',
  malware: '#8e44ad',
  tool: '#2c3e50',
  'attack-pattern': '#d35400',
  identity: '#2471a3',
  location: '#1e8449',
  vulnerability: '#b7950b',
  campaign: '#a93226',
  'x-kizashi-policy-instrument': '#117a65',
};

export interface GraphEdge {
  readonly source: { id: string; name: string; type: string };
  readonly target: { id: string; name: string; type: string };
  readonly label: string;
}

/** The relationship graph around an entity; returns a function that frees the WebGL context. */
export function relationshipGraph(
  container: HTMLElement,
  centre: { id: string; name: string; type: string },
  edges: readonly GraphEdge[],
  onOpen: (id: string) => void,
): () => void {
  const graph = new Graph({ multi: true });
  const addNode = (n: { id: string; name: string; type: string }): void => {
    if (graph.hasNode(n.id)) return;
    const i = graph.order;
    const angle = (i * 2 * Math.PI) / Math.max(1, edges.length);
    graph.addNode(n.id, {
      label: n.name,
      x: n.id === centre.id ? 0 : Math.cos(angle) * (1 + (i % 3) * 0.3),
      y: n.id === centre.id ? 0 : Math.sin(angle) * (1 + (i % 3) * 0.3),
      size: n.id === centre.id ? 14 : 8,
      color: TYPE_COLOURS[n.type] ?? '#7f8c8d',
    });
  };
  addNode(centre);
  for (const e of edges) {
    addNode(e.source);
    addNode(e.target);
    graph.addEdge(e.source.id, e.target.id, { label: e.label, size: 2, color: '#aab7b8' });
  }
  const renderer = new Sigma(graph, container, { renderEdgeLabels: true, labelRenderedSizeThreshold: 0 });
  renderer.on('clickNode', ({ node }) => onOpen(node));
  container.dataset.nodes = String(graph.order);
  container.dataset.edges = String(graph.size);
  return () => renderer.kill();
}
