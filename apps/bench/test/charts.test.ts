import { describe, expect, it } from 'vitest';
import { barChart } from '../src/charts/barChart.js';
import { lineChart } from '../src/charts/lineChart.js';
import { linearScale, niceTicks } from '../src/charts/scale.js';
import { scatterChart } from '../src/charts/scatterChart.js';
import { esc } from '../src/charts/svg.js';

describe('scales', () => {
  it('makes round ticks covering the data', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.013, 0.087, 4)).toEqual([0, 0.02, 0.04, 0.06, 0.08, 0.1]);
    expect(niceTicks(3, 3)).toEqual([2.6, 2.8, 3, 3.2, 3.4]); // a constant is widened by ±10%
  });

  it('maps the nice domain onto the pixel range', () => {
    const s = linearScale(0, 0.9, 100, 0);
    expect(s.domain).toEqual([0, 1]);
    expect(s(0)).toBe(100);
    expect(s(0.5)).toBe(50);
    expect(s(1)).toBe(0);
  });

  it('keeps whole-number ticks for epochs', () => {
    expect(linearScale(1, 3, 0, 100, { integer: true }).ticks).toEqual([1, 2, 3]);
  });
});

describe('charts', () => {
  it('draws one bar per model with an error bar of ± std', () => {
    const svg = barChart({ title: 'HR@10 <test>', categories: ['A', 'B'], series: [{ name: 'HR@10', bars: [{ value: 0.5, error: 0.1 }, { value: 0.25 }] }] });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('HR@10 &lt;test&gt;');
    expect((svg.match(/<rect /g) ?? []).length).toBe(2);
    // one error bar = a vertical line and two caps; the bar without an error has none
    const errLines = (svg.match(/stroke="#222"/g) ?? []).length;
    expect(errLines).toBe(3);
  });

  it('draws a polyline per series and a band when given', () => {
    const svg = lineChart({
      title: 'loss',
      series: [
        { name: 'a', points: [[1, 1], [2, 0.5], [3, 0.25]], band: [[1, 0.9, 1.1], [2, 0.4, 0.6], [3, 0.2, 0.3]] },
        { name: 'b', points: [[1, 2], [2, NaN], [3, 1]] },
      ],
    });
    expect((svg.match(/<polyline /g) ?? []).length).toBe(1); // b is broken by NaN into single points
    expect((svg.match(/<polygon /g) ?? []).length).toBe(1);
    expect(svg).toContain('>a</text>');
  });

  it('labels scatter points', () => {
    const svg = scatterChart({ title: 'IoI vs HR', series: [{ name: 'IPG', line: true, points: [{ x: 0.1, y: 0.2, label: 'δ=0.1' }, { x: 0.3, y: 0.1, label: 'δ=0.3' }] }] });
    expect((svg.match(/<circle /g) ?? []).length).toBe(2);
    expect(svg).toContain('δ=0.3');
  });

  it('escapes markup', () => {
    expect(esc('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
  });
});
