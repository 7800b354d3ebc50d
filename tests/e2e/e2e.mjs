// End-to-end test of the portal: starts `metiers serve` on a free port, loads each page type
// in Debian's Chromium (driven by playwright-core), checks it with axe-core (no serious or
// critical violation), checks that no request fails and that the Content-Security-Policy
// blocks nothing, tries the keyboard and the autocompletion, saves a screenshot of each
// page, then stops the server with SIGTERM and expects a clean exit.
//
// Environment: METIERS_BIN (binary, default target/debug/metiers), CHROMIUM (default
// /usr/bin/chromium), E2E_ARTEFACTS (default target/e2e-artefacts).

import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const bin = process.env.METIERS_BIN || join(root, "target/debug/metiers");
const artefacts = process.env.E2E_ARTEFACTS || join(root, "target/e2e-artefacts");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
mkdirSync(artefacts, { recursive: true });

const failures = [];
const report = [];
const fail = (what) => {
  failures.push(what);
  console.error(`ÉCHEC : ${what}`);
};

/** Starts the server on a free port; resolves with its base URL. */
function startServer() {
  const child = spawn(bin, ["serve", "--addr", "127.0.0.1:0"], { stdio: ["ignore", "inherit", "pipe"] });
  const url = new Promise((resolveUrl, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`le serveur n’a pas démarré en 20 s : ${seen}`)), 20000);
    child.stderr.on("data", (chunk) => {
      process.stderr.write(chunk);
      seen += chunk;
      const m = seen.match(/http:\/\/(127\.0\.0\.1:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolveUrl(`http://${m[1]}`);
      }
    });
    child.on("error", (e) => reject(new Error(`impossible de lancer ${bin} : ${e.message}`)));
    child.on("exit", (code) => reject(new Error(`le serveur s’est arrêté (code ${code}) : ${seen}`)));
  });
  return { child, url };
}

/** Runs axe on the page; returns the serious and critical violations. */
async function axe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } }),
  );
  return {
    blocking: result.violations.filter((v) => v.impact === "serious" || v.impact === "critical"),
    other: result.violations.filter((v) => v.impact !== "serious" && v.impact !== "critical"),
  };
}

async function checkPage(context, base, name, path, extra) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (msg) => {
    // The 404 page's own status is expected; Chromium logs it as a console error.
    const expected404 = name === "404" && msg.text().includes("status of 404");
    if (msg.type() === "error" && !expected404) problems.push(`console : ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`erreur JavaScript : ${err.message}`));
  page.on("requestfailed", (req) => problems.push(`requête échouée : ${req.url()} (${req.failure()?.errorText})`));
  page.on("response", (res) => {
    if (res.status() >= 400 && !(name === "404" && res.url().endsWith(path))) {
      problems.push(`réponse ${res.status()} : ${res.url()}`);
    }
    if (!res.url().startsWith(base)) problems.push(`ressource externe : ${res.url()}`);
  });
  const started = Date.now();
  const response = await page.goto(base + path, { waitUntil: "load" });
  const expected = name === "404" ? 404 : 200;
  if (response.status() !== expected) problems.push(`statut ${response.status()} au lieu de ${expected}`);
  if (extra) await extra(page, problems);
  // The DSFR's JavaScript marks the document when it has started.
  await page.waitForFunction(() => document.documentElement.hasAttribute("data-fr-js"), null, { timeout: 5000 }).catch(() => problems.push("le JavaScript du DSFR ne s’est pas lancé"));
  const { blocking, other } = await axe(page);
  for (const v of blocking) {
    problems.push(`axe ${v.impact} ${v.id} : ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
  }
  const shot = join(artefacts, `${name}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  report.push({
    name,
    path,
    ms: Date.now() - started,
    axe_serious_or_critical: blocking.map((v) => v.id),
    axe_minor_or_moderate: other.map((v) => `${v.impact} ${v.id}`),
    problems,
    screenshot: shot,
  });
  for (const p of problems) fail(`${name} (${path}) : ${p}`);
  console.log(`${problems.length ? "✗" : "✓"} ${name} ${path} — axe : ${blocking.length} grave(s), ${other.length} mineure(s)`);
  await page.close();
}

const { child, url } = startServer();
let browser;
try {
  const base = await url;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR" });

  await checkPage(context, base, "accueil", "/", async (page, problems) => {
    // Keyboard: the first Tab reaches the skip link to the content, which moves the focus.
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => document.activeElement?.textContent?.trim());
    if (first !== "Contenu") problems.push(`premier Tab sur « ${first} » au lieu du lien d’évitement « Contenu »`);
    await page.keyboard.press("Enter");
    const hash = await page.evaluate(() => location.hash);
    if (hash !== "#contenu") problems.push(`le lien d’évitement mène à « ${hash} »`);
    // Autocompletion fills the datalist from the API.
    await page.locator("#recherche-accueil-champ").pressSequentially("webm", { delay: 30 });
    await page.waitForFunction(() => document.querySelectorAll("#suggestions-accueil option").length > 0, null, { timeout: 5000 }).catch(() => problems.push("l’autocomplétion ne propose rien pour « webm »"));
    const options = await page.$$eval("#suggestions-accueil option", (os) => os.map((o) => o.value));
    if (!options.includes("Webmestre")) problems.push(`suggestions inattendues : ${options.join(", ")}`);
    await page.locator("#recherche-accueil-champ").fill("");
  });
  await checkPage(context, base, "recherche", "/recherche?q=r%C3%A9seaux%20t%C3%A9l%C3%A9coms&min_level=2", async (page, problems) => {
    if ((await page.locator("ol.metiers-resultats mark").count()) === 0) problems.push("aucun mot surligné");
  });
  await checkPage(context, base, "fiche", "/metiers/administrateur-de-bases-de-donnees", async (page, problems) => {
    if ((await page.locator(".metiers-proches li").count()) === 0) problems.push("aucun métier proche");
  });
  await checkPage(context, base, "correspondance", "/correspondance", async (page, problems) => {
    await page.locator("#texte").fill(
      "Nous recherchons un administrateur systèmes et réseaux pour la DSI : gestion des serveurs Linux, supervision, sauvegardes, sécurité du réseau et support de niveau 2.",
    );
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Trouver les métiers" }).click()]);
    if ((await page.locator("ol.metiers-resultats > li").count()) === 0) problems.push("aucun métier proposé");
  });
  await checkPage(context, base, "comparer", "/comparer?a=chef-de-projet-maitrise-d-oeuvre-si&b=chef-de-projet-maitrise-d-ouvrage-si&c=directeur-de-projets-si");
  await checkPage(context, base, "carte", "/carte", async (page, problems) => {
    await page.locator("figure.metiers-carte").screenshot({ path: join(artefacts, "carte-image.png") });
    const nodes = await page.locator("svg a.metiers-carte__noeud").count();
    if (nodes !== 44) problems.push(`${nodes} nœuds sur la carte au lieu de 44`);
    // A node is reachable with the keyboard and opens its fiche.
    const node = page.locator("svg a.metiers-carte__noeud").first();
    await node.focus();
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    if (!page.url().includes("/metiers/")) problems.push(`Entrée sur un nœud mène à ${page.url()}`);
    await page.goBack();
  });
  await checkPage(context, base, "nouveautes", "/nouveautes");
  await checkPage(context, base, "fiche-de-poste", "/metiers/technicien-d-exploitation/fiche-de-poste?activites=1,3");
  await checkPage(context, base, "ecart", "/ecart?de=technicien-d-exploitation&vers=superviseur-d-exploitation");
  await checkPage(context, base, "ecart-personne", "/ecart/personne?de=technicien-d-exploitation", async (page, problems) => {
    // Tick two activities, one with the mouse (on its label, as the DSFR draws the box
    // there) and one with the keyboard, then rank the occupations.
    await page.locator('label[for="activite-1"]').click();
    await page.locator("#activite-3").focus();
    await page.keyboard.press("Space");
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Classer les métiers" }).click()]);
    const rows = await page.locator("table tbody tr").count();
    if (rows === 0) problems.push("aucun métier classé");
    if (!(await page.content()).includes("vos 2 activité(s)")) problems.push("les deux activités cochées ne sont pas retenues");
  });
  await checkPage(context, base, "correspondance-annonce", "/correspondance", async (page, problems) => {
    await page.locator("#texte").fill(
      "Technicien support utilisateurs (H/F)\nMissions :\n- Assurer l’assistance de premier niveau aux utilisateurs et traiter les incidents ;\n- Installer et configurer les postes de travail.\nRémunération selon la grille, télétravail possible.\nCandidatures : CV et lettre de motivation.",
    );
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Trouver les métiers" }).click()]);
    if (!(await page.content()).includes("Comment le texte a été lu")) problems.push("la lecture de l’annonce n’est pas montrée");
  });
  await checkPage(context, base, "correspondances-repertoires", "/correspondances");
  await checkPage(context, base, "competences", "/competences");
  await checkPage(context, base, "competence", "/competences/specifications-fonctionnelles");
  await checkPage(context, base, "mon-profil", "/mon-profil", async (page, problems) => {
    await page.locator("#profil-texte").fill("Administration de serveurs Linux, supervision, sauvegardes, scripts d’automatisation.");
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Classer les métiers" }).click()]);
    if ((await page.locator("table tbody tr").count()) === 0) problems.push("aucun métier classé pour le profil");
  });
  await checkPage(context, base, "a-propos", "/a-propos");
  await checkPage(context, base, "documentation-api", "/api/v1/docs");
  await checkPage(context, base, "404", "/metiers/inconnu");

  const mobile = await browser.newContext({ viewport: { width: 375, height: 800 }, locale: "fr-FR", isMobile: true });
  await checkPage(mobile, base, "accueil-mobile", "/");
  await checkPage(mobile, base, "fiche-mobile", "/metiers/webmestre");
} catch (e) {
  fail(`test interrompu : ${e.stack || e}`);
} finally {
  if (browser) await browser.close();
  // Graceful shutdown on SIGTERM: exit code 0 within 5 s.
  const exited = new Promise((res) => child.once("exit", (code, signal) => res({ code, signal })));
  child.kill("SIGTERM");
  const outcome = await Promise.race([exited, new Promise((res) => setTimeout(() => res(null), 5000))]);
  if (!outcome) {
    fail("le serveur ne s’est pas arrêté 5 s après SIGTERM");
    child.kill("SIGKILL");
  } else if (outcome.code !== 0) {
    fail(`arrêt sur SIGTERM avec le code ${outcome.code} (signal ${outcome.signal})`);
  }
  writeFileSync(join(artefacts, "rapport.json"), JSON.stringify({ failures, pages: report }, null, 2));
  console.log(`\n${report.length} pages vérifiées, ${failures.length} échec(s) ; captures et rapport dans ${artefacts}`);
  process.exitCode = failures.length ? 1 : 0;
}
