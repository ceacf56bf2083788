// The summary before submitting, computed on the phone from the cached data (a preview: the server's scoring
// engine decides), and the server's result after submitting, shown the same way. Points in hundredths.
const CLASSES = [['major', '重大事故隐患'], ['key', '重点项'], ['general', '一般项']];
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const pts = (h) => String(h / 100);
const hundredths = (x) => Math.round(Number(x) * 100);

// cards: [{code, cls, points, autoNa, v: {result, deduction, note} | null, text, hazards}]
export function score(cards, rule) {
  let possible = 0; let lost = 0; let missing = 0;
  const failed = []; const unanswered = [];
  for (const c of cards) {
    const p = c.points * 100;
    const r = c.v?.result;
    if (c.autoNa || r === 'na') continue;
    possible += p;
    if (!r) { unanswered.push(c); missing += p; }
    if (r === 'fail') {
      const d = c.v.deduction === '' || c.v.deduction == null ? p : hundredths(c.v.deduction);
      lost += d;
      failed.push({ ...c, lost: d });
    }
  }
  const earned = possible - lost - missing;
  const percent = possible ? Math.floor((earned * 2000 + possible) / (2 * possible)) / 10 : null;
  const major = failed.filter((f) => f.cls === 'major');
  const count = (k) => failed.filter((f) => f.cls === k).length;
  let verdict = '无适用检查项';
  if (rule.rule === 'percent_bands') {
    verdict = major.length ? rule.bands.at(-1)[1] : percent === null ? verdict : rule.bands.find((b) => percent >= b[0])[1];
  } else if (rule.rule === 'food_2016') {
    const [ok, basic, bad] = rule.labels;
    verdict = major.length || count('key') > rule.key || count('general') > rule.general ? bad
      : failed.length ? basic : possible ? ok : verdict;
  } else {
    verdict = major.length ? '暂缓评定' : '等级由服务器评定';
  }
  if (major.length) verdict += `（一票否决：${major.map((m) => m.code).join('、')}）`;
  if (unanswered.length) verdict += `（${unanswered.length} 项未答，结论为暂定）`;
  return { earned, possible, percent, failed, major, verdict };
}

const link = (i) => `<a href="#item-${esc(i.code)}">${esc(i.code)}</a> ${esc(i.text)}`;

function render(heading, results) {
  const major = results.flatMap((r) => r.s.major);
  let html = `<h3>${heading}</h3>`;
  if (major.length) {
    html += `<div class="hazards" role="alert"><h4>重大事故隐患（${major.length}）</h4><ul>${major.map((m) =>
      `<li>${link(m)}${m.hazards ? `<br><small>${esc(m.hazards)}</small>` : ''}</li>`).join('')}</ul></div>`;
  }
  for (const { title, s } of results) {
    html += `<div class="result"><h4>${esc(title)}</h4><p class="score"><strong>${pts(s.earned)}</strong> / ${pts(s.possible)} 分`
      + `${s.percent == null ? '' : `（${s.percent}%）`}</p><p class="verdict">结论：<strong>${esc(s.verdict)}</strong></p>`;
    for (const [k, label] of CLASSES) {
      const list = s.failed.filter((f) => f.cls === k);
      if (list.length) {
        html += `<h4>${label}（${list.length}）</h4><ul class="failed">${list.map((f) => `<li>${link(f)}<br><small>扣 ${pts(f.lost)} 分`
          + `${f.v?.note ? `：${esc(f.v.note)}` : ''}</small></li>`).join('')}</ul>`;
      }
    }
    html += '</div>';
  }
  return html;
}

export function preview(results, problems) {
  return render('汇总（手机上计算，供核对）', results)
    + (problems.length ? `<div class="problems" role="alert"><h4>提交前须处理</h4><ul><li>${problems.join('</li><li>')}</li></ul></div>` : '')
    + `<button type="button" class="button primary big" id="do-submit"${problems.length ? ' disabled' : ''}>确认提交本部门检查结果</button>`;
}

// body: the submit response; card(code) → the card's {text, hazards}; rules: the checklists' titles.
export function server(body, card, rules) {
  return render('已提交 · 服务器结果', body.results.map((r) => {
    const failed = r.failed_items.map((f) => ({
      ...card(f.item_code), code: f.item_code, cls: f.class, lost: hundredths(f.deduction), v: { note: f.note },
    }));
    return {
      title: rules[r.checklist_code]?.title + (r.final ? '' : '（其他部门尚未提交，暂定）'),
      s: {
        earned: hundredths(r.points), possible: hundredths(r.max_points), percent: r.percent, failed,
        major: failed.filter((f) => f.cls === 'major'),
        verdict: r.verdict + (r.grade ? ` · ${r.grade} 级` : '') + (r.vetoed_by.length ? `（${r.decided_by}）` : ''),
      },
    };
  }));
}
