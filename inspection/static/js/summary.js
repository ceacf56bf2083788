// The summary before submitting, computed on the phone from the cached data (a preview: the server's scoring
// engine decides), and the server's result after submitting, shown the same way. Points in hundredths.
// Everything is built as elements and text nodes: nothing from the data is ever parsed as HTML.
import { t } from './i18n.js';

const ITEM_CLASSES = [
  ['major', t('重大事故隐患')],
  ['key', t('重点项')],
  ['general', t('一般项')],
];
const pointsText = (hundredths) => String(hundredths / 100);
const toHundredths = (value) => Math.round(Number(value) * 100);

// element('a', { href: '#item-F1' }, 'F1', …) is <a href="#item-F1">F1…</a>: strings become text nodes, arrays
// are spread, null and '' are left out; an attribute that is false, null or undefined is not set, true sets it empty.
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== false && value !== null && value !== undefined) node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== ''));
  return node;
}

// The verdict label from a checklist's rule as the server describes it (VerdictRule.preview in scoring/verdicts.py):
// the veto label when a major item failed, the not-applicable label when no item applies, else the label of the
// first outcome whose conditions all hold (min_percent: at least that percentage; max_failed: at most that many
// failed items of each class, or of failures marked as affecting food safety).
export function previewVerdict(rule, percent, failedByClass) {
  if (failedByClass.major) return rule.veto;
  if (percent === null && rule.none_applicable !== null) return rule.none_applicable;
  const holds = (outcome) =>
    (outcome.min_percent === undefined || (percent !== null && percent >= outcome.min_percent)) &&
    Object.entries(outcome.max_failed ?? {}).every(([itemClass, most]) => (failedByClass[itemClass] ?? 0) <= most);
  return rule.outcomes.find(holds)?.label ?? '';
}

// cards: [{code, itemClass, points, autoNa, value: {result, deduction, note} | null, text, hazards}]
// rule: the checklist's entry of the form's data-verdicts (its title and its rule's preview).
export function score(cards, rule) {
  let possible = 0;
  let lost = 0;
  let missing = 0;
  const failed = [];
  const unanswered = [];
  for (const card of cards) {
    const points = card.points * 100;
    const result = card.value?.result;
    if (card.autoNa || result === 'na') continue;
    possible += points;
    if (!result) {
      unanswered.push(card);
      missing += points;
    }
    if (result === 'fail') {
      const deduction = card.value.deduction;
      const cardLost = deduction === '' || deduction == null ? points : toHundredths(deduction);
      lost += cardLost;
      failed.push({ ...card, lost: cardLost });
    }
  }
  const earned = possible - lost - missing;
  const percent = possible ? Math.floor((earned * 2000 + possible) / (2 * possible)) / 10 : null;
  const major = failed.filter((item) => item.itemClass === 'major');
  const failedByClass = {};
  for (const item of failed) failedByClass[item.itemClass] = (failedByClass[item.itemClass] ?? 0) + 1;
  // the 2022 food rule also bounds the failures marked as affecting food safety (Food2022.preview)
  failedByClass.affects_food_safety = failed.filter((item) => item.value.affects_food_safety).length;
  let verdict = previewVerdict(rule, percent, failedByClass);
  if (major.length) verdict += t('（一票否决：%(codes)s）', { codes: major.map((item) => item.code).join('、') });
  if (unanswered.length) verdict += t('（%(count)s 项未答，结论为暂定）', { count: unanswered.length });
  return { earned, possible, percent, failed, major, verdict };
}

const itemLink = (item) => [element('a', { href: `#item-${item.code}` }, item.code), ` ${item.text ?? ''}`];

function resultBox(title, result) {
  const percent = result.percent == null ? '' : t('（%(percent)s%%）', { percent: result.percent });
  const box = element(
    'div',
    { class: 'result' },
    element('h4', {}, title),
    element(
      'p',
      { class: 'score' },
      element('strong', {}, pointsText(result.earned)),
      t(' / %(possible)s 分%(percent)s', { possible: pointsText(result.possible), percent }),
    ),
    element('p', { class: 'verdict' }, t('结论：'), element('strong', {}, result.verdict)),
  );
  for (const [itemClass, label] of ITEM_CLASSES) {
    const failed = result.failed.filter((item) => item.itemClass === itemClass);
    if (!failed.length) continue;
    const rows = failed.map((item) => {
      const note = item.value?.note ? t('：%(note)s', { note: item.value.note }) : '';
      return element(
        'li',
        {},
        itemLink(item),
        element('br'),
        element('small', {}, t('扣 %(lost)s 分%(note)s', { lost: pointsText(item.lost), note })),
      );
    });
    box.append(
      element('h4', {}, t('%(label)s（%(count)s）', { label, count: failed.length })),
      element('ul', { class: 'failed' }, rows),
    );
  }
  return box;
}

// results: [{title, result: score(…)}, or {title, byOthers: text} for a checklist others fill in]; returns a fragment to put into the summary box.
function render(heading, results) {
  const fragment = document.createDocumentFragment();
  fragment.append(element('h3', {}, heading));
  const major = results.flatMap(({ result }) => result?.major ?? []);
  if (major.length) {
    const rows = major.map((item) =>
      element('li', {}, itemLink(item), item.hazards ? [element('br'), element('small', {}, item.hazards)] : null),
    );
    const hazardsHeading = element('h4', {}, t('重大事故隐患（%(count)s）', { count: major.length }));
    fragment.append(element('div', { class: 'hazards', role: 'alert' }, hazardsHeading, element('ul', {}, rows)));
  }
  for (const { title, result, byOthers } of results) {
    const othersBox = () =>
      element('div', { class: 'result by-others' }, element('h4', {}, title), element('p', {}, byOthers));
    fragment.append(byOthers ? othersBox() : resultBox(title, result));
  }
  return fragment;
}

// problems: what must be done before submitting, each a list of strings and elements (e.g. links to items).
export function preview(results, problems, selfInspection = false) {
  const fragment = render(t('汇总（手机上计算，供核对）'), results);
  if (problems.length) {
    const rows = problems.map((problem) => element('li', {}, problem));
    fragment.append(
      element(
        'div',
        { class: 'problems', role: 'alert' },
        element('h4', {}, t('提交前须处理')),
        element('ul', {}, rows),
      ),
    );
  }
  const attributes = { type: 'button', class: 'button primary big', id: 'do-submit', disabled: problems.length > 0 };
  fragment.append(element('button', attributes, selfInspection ? t('确认提交自查结果') : t('确认提交本部门检查结果')));
  return fragment;
}

// body: the submit response; cardOf(code) → the card's {text, hazards}; rules: the checklists' titles.
export function server(body, cardOf, rules) {
  const results = body.results.map((checklistResult) => {
    const failed = checklistResult.failed_items.map((item) => ({
      ...cardOf(item.item_code),
      code: item.item_code,
      itemClass: item.class,
      lost: toHundredths(item.deduction),
      value: { note: item.note },
    }));
    const grade = checklistResult.grade ? t(' · %(grade)s 级', { grade: checklistResult.grade }) : '';
    const vetoed = checklistResult.vetoed_by.length
      ? t('（%(decided_by)s）', { decided_by: checklistResult.explanation })
      : '';
    const title = rules[checklistResult.checklist_code]?.title ?? checklistResult.checklist_code;
    return {
      title: title + (checklistResult.final ? '' : t('（其他部门尚未提交，暂定）')),
      result: {
        earned: toHundredths(checklistResult.points),
        possible: toHundredths(checklistResult.max_points),
        percent: checklistResult.percent,
        failed,
        major: failed.filter((item) => item.itemClass === 'major'),
        verdict: checklistResult.verdict_label + grade + vetoed,
      },
    };
  });
  return render(t('已提交 · 服务器结果'), results);
}
