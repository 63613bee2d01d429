// Takes one flag through the console's workflow in Debian's Chromium, driven by playwright-core (no browser download):
// the district lead signs in through the form, reads the map, dispatches the flag to an officer; the officer signs in,
// acknowledges and records a finding with a photo; the lead resolves; another team's lead is refused the flag's page.
// Every step is checked on the page the browser shows. Prints one JSON object on standard output and exits 0, or
// prints {"error": ...} and exits 1 at the first check that fails.
//
// Settings come from the environment (the xunit test BrowserWorkflowTests sets them):
//   AIRQ_CONSOLE_URL     the console's address, e.g. http://127.0.0.1:41234
//   AIRQ_PASSWORD        every user's password
//   AIRQ_LEAD, AIRQ_OFFICER, AIRQ_OTHER_LEAD   user names: the team's lead, one of its officers, another team's lead
//   AIRQ_TEAM            the lead's team id (its today page is /teams/AIRQ_TEAM/today)
//   AIRQ_SOURCE          the source to inspect whose first flag goes through the workflow
//   AIRQ_SCREENSHOTS     the folder the screenshots are written to
//   AIRQ_CHROMIUM        the browser (default /usr/bin/chromium)
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run this script from BrowserWorkflowTests, or set it (see the comment at the top).`);
  }
  return value;
};

const check = (condition, message) => {
  if (!condition) {
    throw new Error(message);
  }
};

async function signIn(browser, base, name, password, width) {
  const context = await browser.newContext({ viewport: { width, height: 844 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${base}/signin`);
  await page.fill('#name', name);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return { context, page };
}

async function textOf(page, selector) {
  return (await page.locator(selector).textContent({ timeout: 5000 })) ?? '';
}

async function main() {
  const base = env('AIRQ_CONSOLE_URL').replace(/\/$/, '');
  const password = env('AIRQ_PASSWORD');
  const lead = env('AIRQ_LEAD');
  const officer = env('AIRQ_OFFICER');
  const otherLead = env('AIRQ_OTHER_LEAD');
  const team = env('AIRQ_TEAM');
  const source = env('AIRQ_SOURCE');
  const shots = env('AIRQ_SCREENSHOTS');
  mkdirSync(shots, { recursive: true });
  const result = { steps: [], screenshots: {} };

  const browser = await chromium.launch({
    executablePath: process.env.AIRQ_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    // The lead, on a desktop: signed in through the form, sent to the team's today page.
    const { page: leadPage } = await signIn(browser, base, lead, password, 1280);
    const todayPath = `/teams/${team}/today`;
    check(new URL(leadPage.url()).pathname === todayPath, `After signing in ${lead} is on ${leadPage.url()}, not ${todayPath}.`);
    result.steps.push('signed in');

    // The map as the browser drew it.
    result.map = await leadPage.evaluate(() => {
      const svg = document.querySelector('svg.map');
      const box = svg.getBoundingClientRect();
      return {
        sensors: [...svg.querySelectorAll('circle.sensor')].map(c => c.querySelector('title').textContent.split(' ')[0]),
        sensorColours: [...new Set([...svg.querySelectorAll('circle.sensor')].map(c => c.getAttribute('fill')))],
        sources: svg.querySelectorAll('.source').length,
        flagged: [...svg.querySelectorAll('g.flagged')].map(g => g.getAttribute('data-source')),
        episodes: [...svg.querySelectorAll('g.episode')].map(g => Number(g.getAttribute('data-anomaly'))),
        sourceColours: [...new Set([...svg.querySelectorAll('rect.source')].map(r => r.getAttribute('fill')))],
        charts: [...document.querySelectorAll('svg.chart')].map(c => ({
          anomaly: Number(c.getAttribute('data-anomaly')),
          sensors: c.querySelectorAll('g.sensor').length,
          lines: c.querySelectorAll('polyline').length,
          width: c.getBoundingClientRect().width,
        })),
        width: box.width,
      };
    });
    check(result.map.sensors.length > 0, 'The map has no sensor.');
    check(result.map.episodes.length > 0, 'The map outlines no episode.');
    check(result.map.charts.length === result.map.episodes.length, `${result.map.charts.length} charts for ${result.map.episodes.length} episodes.`);
    check(result.map.flagged.includes(source), `The map does not mark ${source} as flagged (it marks ${result.map.flagged.join(', ') || 'none'}).`);
    result.screenshots.today1280 = join(shots, 'console-today-1280.png');
    await leadPage.screenshot({ path: result.screenshots.today1280, fullPage: true });

    // The same page on a phone: nothing wider than the screen.
    await leadPage.setViewportSize({ width: 390, height: 844 });
    result.phoneScrollWidth = await leadPage.evaluate(() => document.documentElement.scrollWidth);
    check(result.phoneScrollWidth <= 390, `At 390 px the today page is ${result.phoneScrollWidth} px wide.`);
    result.screenshots.today390 = join(shots, 'console-today-390.png');
    await leadPage.screenshot({ path: result.screenshots.today390, fullPage: true });
    await leadPage.setViewportSize({ width: 1280, height: 844 });

    // The source's first flag, from its section of the page.
    const link = leadPage.locator(`section#source-${source} a[href^="/flags/"]`).first();
    const flagPath = await link.getAttribute('href');
    result.flagId = Number(flagPath.split('/')[2]);
    await Promise.all([leadPage.waitForNavigation(), link.click()]);
    check(new URL(leadPage.url()).pathname === flagPath, `The flag link led to ${leadPage.url()}.`);

    await leadPage.selectOption('#officer', { label: officer });
    await Promise.all([leadPage.waitForNavigation(), leadPage.click('form[action$="/dispatch"] button')]);
    const dispatched = await textOf(leadPage, '#dispatched');
    check(dispatched.includes(`Dispatched to ${officer} by ${lead}`), `After dispatching the page says: ${dispatched}`);
    result.steps.push('dispatched');

    // The officer, on a phone.
    const { page: officerPage } = await signIn(browser, base, officer, password, 390);
    await officerPage.goto(`${base}${flagPath}`);
    await Promise.all([officerPage.waitForNavigation(), officerPage.click('form[action$="/acknowledge"] button')]);
    const acknowledged = await textOf(officerPage, '#acknowledged');
    check(acknowledged.includes(`Acknowledged by ${officer}`), `After acknowledging the page says: ${acknowledged}`);
    result.steps.push('acknowledged');

    await officerPage.check('input[name=finding][value=confirmed]');
    await officerPage.fill('#notes', 'Dust from the yard, seen from the gate (browser test).');
    await officerPage.setInputFiles('#photo', result.screenshots.today390); // a real PNG from this run
    await Promise.all([officerPage.waitForNavigation(), officerPage.click('form[action$="/finding"] button')]);
    const finding = await textOf(officerPage, '#finding');
    check(finding.includes('confirmed') && finding.includes(`recorded by ${officer}`), `After the finding the page says: ${finding}`);
    result.photoWidth = await officerPage.locator('img.photo').evaluate(async img => {
      await img.decode();
      return img.naturalWidth;
    });
    check(result.photoWidth > 0, 'The finding\'s photo did not load in the page.');
    result.steps.push('finding');
    result.screenshots.flag390 = join(shots, 'console-flag-390.png');
    await officerPage.screenshot({ path: result.screenshots.flag390, fullPage: true });

    // The lead resolves.
    await leadPage.goto(`${base}${flagPath}`);
    await Promise.all([leadPage.waitForNavigation(), leadPage.click('form[action$="/resolve"] button')]);
    const resolved = await textOf(leadPage, '#resolved');
    check(resolved.includes(`Resolved by ${lead}`), `After resolving the page says: ${resolved}`);
    check(await leadPage.locator('main form').count() === 0, 'A resolved flag still offers a form.');
    result.steps.push('resolved');

    // Another team's lead: refused, and shown nothing of the flag.
    const { page: otherPage } = await signIn(browser, base, otherLead, password, 1280);
    const response = await otherPage.goto(`${base}${flagPath}`);
    result.otherTeamStatus = response.status();
    const otherText = await otherPage.locator('main').innerText();
    check(result.otherTeamStatus === 403, `Another team's lead got ${result.otherTeamStatus} for ${flagPath}.`);
    check(!otherText.includes(source), 'The refusal shows the flag\'s source.');
    result.steps.push('other team refused');
  } finally {
    await browser.close();
  }

  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch(error => {
  process.stdout.write(JSON.stringify({ error: String(error && error.message || error) }) + '\n');
  process.exit(1);
});
