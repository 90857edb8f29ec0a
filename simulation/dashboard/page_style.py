"""The dashboard's own CSS: the headline figures, the sliders' labels, the event record
and the nation view. Inserted once a page (`solara.Style`); no font or file is loaded
from anywhere."""

CSS = """
.v-application .side-card { margin-bottom: 12px; }
.v-application .side-card .v-card__title { font-size: 1.05rem; padding-bottom: 4px; }
.step-counter { margin: 0 0 10px 0; font-size: 0.95rem; }
.step-counter .step-now { font-weight: 600; font-size: 1.15rem; }
.quiet { color: #6b6b6b; }

.parameter { margin: 6px 0 10px 0; }
.parameter-head { display: flex; justify-content: space-between; align-items: baseline;
                  font-size: 0.9rem; }
.parameter-name { cursor: help; }
.parameter-value { font-weight: 600; font-variant-numeric: tabular-nums; }
.parameter.moved .parameter-value { color: #c2410c; }
.parameter-note { font-size: 0.75rem; color: #6b6b6b; line-height: 1.25; }
.parameter-slider { margin-top: 0 !important; padding-top: 0 !important; }
.pinned-label { font-size: 0.85rem; display: block; margin-bottom: 6px; }

.headlines { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px;
             margin: 0 0 6px 0; }
.headlines-step { grid-column: 1 / -1; font-size: 0.72rem; text-transform: uppercase;
                  letter-spacing: 0.05em; color: #6b6b6b; margin-bottom: -4px; }
.headline { background: #fff; border: 1px solid #e0e0e0; border-left: 4px solid #1976d2;
            border-radius: 4px; padding: 8px 12px; }
.headline-title { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.05em;
                  color: #555; }
.headline-row { display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; }
.headline-value { font-size: 1.75rem; font-weight: 600; line-height: 1.25;
                  font-variant-numeric: tabular-nums; }
.headline-change { font-size: 0.88rem; font-variant-numeric: tabular-nums; color: #333; }
.headline-start, .headline-pinned, .headline-note { font-size: 0.76rem; color: #6b6b6b;
                                                    line-height: 1.35; }
.headline-pinned { color: #333; }

.main-tabs { margin-bottom: 8px; }
.main-tabs .v-tab { text-transform: none; font-size: 0.95rem; letter-spacing: 0; }
.tab-row { margin-top: 0; }

.event-filters { margin: 6px 0 0 0; }
.event-pager { margin: 0 0 6px 0; font-size: 0.9rem; }
.event-count { margin-right: 12px; }
.event-table { overflow-x: auto; max-height: 720px; overflow-y: auto;
               border: 1px solid #e0e0e0; border-radius: 4px; }
table.event-record { border-collapse: collapse; width: 100%; font-size: 0.82rem; }
table.event-record th { position: sticky; top: 0; background: #f5f5f5; text-align: left;
                        padding: 6px 8px; border-bottom: 1px solid #d0d0d0; white-space: nowrap; }
table.event-record td { padding: 4px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
table.event-record td.col-step, table.event-record td.col-depth,
table.event-record td.col-cause { text-align: right; font-variant-numeric: tabular-nums; }
table.event-record td.col-detail { min-width: 240px; }
table.event-record td:not(.col-detail) { white-space: nowrap; }

.nation-title { font-size: 1.05rem; }
.nation-card { border: 1px solid #e0e0e0; border-radius: 6px; padding: 8px 12px;
               margin-bottom: 12px; font-size: 0.88rem; background: #fff; }
.nation-card h4 { margin: 4px 0 6px 0; font-size: 0.95rem; }
.nation-card table.facts { border-collapse: collapse; width: 100%; }
.nation-card table.facts th { text-align: left; font-weight: normal; color: #555;
                              padding: 2px 8px 2px 0; }
.nation-card table.facts td { text-align: right; font-variant-numeric: tabular-nums; }
.partner-groups ul { padding-left: 0; list-style: none; margin: 0 0 8px 0; }
.partner-groups li { margin: 0 0 6px 0; line-height: 1.35; }
.partner-groups .swatch { display: inline-block; width: 10px; height: 10px;
                          border-radius: 2px; margin-right: 6px; }
.trust-scroll { max-height: 1200px; overflow-y: auto; }
"""
