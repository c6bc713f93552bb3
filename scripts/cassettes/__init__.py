"""Spider cassettes built from the shared real material (``scripts/build_cassettes.py``).

Where no HTML of a portal was ever recorded, its pages are reconstructed around real report
text in the shape of the portal's CMS family (PORTALS.md): a county site with a plain list
(:mod:`.link_list`), a TRS column with its ``createPageHTML`` pager and ``TRS_Editor`` body
(:mod:`.trs`), a Hanweb column with its ``<datastore>`` and ``dataproxy.jsp`` answers
(:mod:`.hanweb`), a UCAP article with its 索引号 table and ``<ucapcontent>`` (:mod:`.ucap`), a
flip-book ``basic-html`` page (:mod:`.flipbook`). The page shapes only arrange what they are
given: titles, dates, names and text come from the material, and the cassette's PROVENANCE.md
says line by line what is real and what is reconstructed. Each page starts with a comment
saying it is reconstructed. Same input, same bytes: no clocks, sorted interactions.

What each portal's pages are made of is data, ``portals.toml``: a short table per portal (the
material file, where its first lines go, the breadcrumb, the list date, URLs the registry does
not hold) and the PROVENANCE.md prose, read with the portal's row of ``crawler/portals.csv``
(title, family, domains, column URL: stated there once) by :mod:`.describe`. :mod:`.build`
hands each portal to the builder of its family (or ``shape``), which returns the pages, and
writes the cassette and PROVENANCE.md (:mod:`.output`). ``sichuan_luding``, the first cassette,
keeps its own page shape (:mod:`.luding`).

Conventions, the same for every portal:
- A report text goes onto its page line for line: the lines the material shows before the
  report (search box, breadcrumb, title, info line) go where such lines sit on the family's
  page, every other line into the body, in order; nothing is added to the text.
- A column URL is the real one when the material shows it (a breadcrumb, the folder an
  article lives in on a family whose articles live below their column); otherwise it is
  reconstructed and PROVENANCE.md says "not known".
- A column lists the reports the material holds and nothing else: other reports of the
  column are not known and are left out, never made up.
"""
