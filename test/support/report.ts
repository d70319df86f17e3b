import type { ReportData } from '../../cli/html/report-data';

/** The figures an HTML report embeds (`<script type="application/json" id="bounce-report-data">`). */
export function embeddedData(html: string): ReportData {
  const match = /<script type="application\/json" id="bounce-report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error('the report embeds no data');
  return JSON.parse(match[1] as string) as ReportData;
}

/** The charts of the demo's report (every one with data), in page order. */
export const DEMO_CHARTS = [
  'bounce-rate',
  'complaint-rate',
  'decisions',
  'suppressions',
  'sender-side',
  'domains',
];
