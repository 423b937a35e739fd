"""What each page shows, as data: the overview table, an improvement area, one measure in depth, its
plain-English summary, team and worker drill-down, and the export. Each view loads its inputs from
`measures.storage` and computes from them with `measures.assessment`; nothing here imports Dash."""
