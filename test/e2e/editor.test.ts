/**
 * The workflow editor in real Chromium, inside the real app (sign-up, local database, sync to
 * the local server): every verb with mouse and keyboard, saving as it happens, import/export,
 * versions, and two devices editing different nodes of one workflow offline.
 */
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { WorkflowEdge, WorkflowNode } from '../../src/model/workflow.ts';
import { launchBrowser, newDevice } from '../support/browser.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { TEST_PASSWORD, signIn, signUp, uniqueEmail } from '../support/accounts.ts';
import { InvitePage } from './pages/InvitePage.ts';
import { MembersPage } from './pages/MembersPage.ts';
import { WorkflowListPage } from './pages/WorkflowListPage.ts';

/** The editor as a user sees it: palette, canvas, toolbar, properties. */
class WorkflowEditorPage {
  readonly canvas: Locator;
  readonly toolbar: Locator;

  constructor(readonly page: Page) {
    this.canvas = page.getByRole('application', { name: 'Workflow canvas' });
    this.toolbar = page.getByRole('toolbar', { name: 'Workflow editor' });
  }

  async waitUntilOpen(): Promise<void> {
    await this.toolbar.waitFor();
    await this.canvas.waitFor();
  }

  /** The workflow id from the address (/w/:id). */
  workflowId(): string {
    return new URL(this.page.url()).pathname.replace('/w/', '');
  }

  node(title: string): Locator {
    return this.page.locator(`.react-flow__node[aria-label^="${title}"]`);
  }

  /** "6 nodes · 5 connections" from the toolbar: the whole graph, not just what is in view. */
  async size(): Promise<{ nodes: number; edges: number }> {
    const text =
      (await this.page.getByRole('status', { name: 'Workflow size' }).textContent()) ?? '';
    const [, nodes, edges] = /(\d+) nodes? · (\d+) connections?/.exec(text) ?? [];
    return { nodes: Number(nodes), edges: Number(edges) };
  }

  async nodeCount(): Promise<number> {
    return (await this.size()).nodes;
  }

  async edgeCount(): Promise<number> {
    return (await this.size()).edges;
  }

  button(name: string): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  field(label: string): Locator {
    return this.page.getByLabel(label, { exact: true });
  }

  async add(typeTitle: string): Promise<void> {
    await this.button(`Add ${typeTitle}`).click();
  }

  async select(title: string): Promise<void> {
    await this.node(title).click();
  }

  /** Drags from an output handle of one node to an input handle of another, with the mouse. */
  async connect(from: string, output: string, to: string, input: string): Promise<void> {
    const source = this.node(from).locator(`.react-flow__handle[data-handleid="${output}"]`);
    const target = this.node(to).locator(`.react-flow__handle[data-handleid="${input}"]`);
    const a = await this.settledBox(source);
    const b = await this.settledBox(target);
    await this.page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
    await this.page.mouse.up();
  }

  async dragNode(title: string, dx: number, dy: number): Promise<void> {
    const box = await this.settledBox(this.node(title));
    const x = box.x + box.width / 2;
    const y = box.y + 12;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + dx, y + dy, { steps: 10 });
    await this.page.mouse.up();
  }

  /**
   * Where an element is once it has stopped moving: auto-layout and fit-view move nodes on
   * the next animation frames, so a box read right after the click can be where it was.
   */
  private async settledBox(
    locator: Locator,
  ): Promise<{ x: number; y: number; width: number; height: number }> {
    let last = await locator.boundingBox();
    for (let frame = 0; frame < 60; frame++) {
      await this.page.evaluate(
        () =>
          new Promise<void>((resolve) =>
            requestAnimationFrame(() => requestAnimationFrame(() => resolve())),
          ),
      );
      const next = await locator.boundingBox();
      if (
        last &&
        next &&
        last.x === next.x &&
        last.y === next.y &&
        last.width === next.width &&
        last.height === next.height
      )
        return next;
      last = next;
    }
    throw new Error(`${String(locator)} kept moving for 60 frames`);
  }

  /** Clicks an empty spot of the canvas so shortcuts go to the editor, not a field. */
  async focusCanvas(): Promise<void> {
    const box = (await this.canvas.boundingBox())!;
    await this.page.mouse.click(box.x + 12, box.y + 12);
  }

  async shortcut(keys: string): Promise<void> {
    await this.page.keyboard.press(keys);
  }

  async importFile(path: string): Promise<void> {
    await this.page.getByLabel('Workflow file to import').setInputFiles(path);
  }

  async waitForSaved(): Promise<void> {
    await this.page
      .getByRole('status', { name: 'Save status' })
      .filter({ hasText: 'All changes saved' })
      .waitFor();
  }
}

interface StoredWorkflow {
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  versions: { name: string }[];
}

/** Polls the server's copy of the workflow until `accept` holds (sync is asynchronous). */
async function serverWorkflow(
  server: AppServer,
  id: string,
  accept: (w: StoredWorkflow) => boolean,
  timeoutMs = 20_000,
): Promise<StoredWorkflow> {
  return vi.waitFor(
    async () => {
      const { rows } = await server.sql.query<StoredWorkflow>(
        'select nodes, edges, versions from public.workflows where id = $1',
        [id],
      );
      const last = rows[0] ?? null;
      if (last && accept(last)) return last;
      throw new Error(
        `The server copy of workflow ${id} never matched; last: ${JSON.stringify(last)?.slice(0, 2000)}`,
      );
    },
    { timeout: timeoutMs, interval: 250 },
  );
}

let server: AppServer;
let browser: Browser;
let tempDir: string;

beforeAll(async () => {
  server = await startAppServer();
  browser = await launchBrowser();
  tempDir = await mkdtemp(join(tmpdir(), 'flowkeep-editor-e2e-'));
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

async function openNewWorkflow(list: WorkflowListPage, name: string): Promise<WorkflowEditorPage> {
  await list.create(name);
  await list.openWorkflow(name);
  const editor = new WorkflowEditorPage(list.page);
  await editor.waitUntilOpen();
  return editor;
}

// A real browser against a real server: sized for a loaded 2-core machine, like the app's e2e.
describe('workflow editor in Chromium', { timeout: 180_000 }, () => {
  let context: BrowserContext;
  let page: Page;
  let list: WorkflowListPage;

  beforeAll(async () => {
    context = await newDevice(browser, server.url);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    page = await context.newPage();
    list = await signUp(page, uniqueEmail('editor'));
  });

  it('builds a workflow with the mouse: template, palette, connect, drag, properties; saved as it happens', async () => {
    const editor = await openNewWorkflow(list, 'Built by mouse');
    const id = editor.workflowId();
    await editor.button('Use template Blank').click();
    await expect.poll(() => editor.nodeCount()).toBe(2);

    await editor.add('LLM prompt');
    await editor.page.getByRole('heading', { name: 'LLM prompt properties' }).waitFor();
    await editor.field('Label').fill('Summarize');
    await editor.field('Model').fill('');
    await editor.page.locator('.fk-field__error', { hasText: 'Model is required.' }).waitFor();
    expect(await editor.field('Model').getAttribute('aria-invalid')).toBe('true');
    await editor.field('Model').fill('gpt-4.1-mini');
    expect(await editor.field('Model').getAttribute('aria-invalid')).toBe('false');

    await editor.button('Auto-layout').click();
    await editor.connect('Manual trigger', 'payload', 'Summarize', 'input');
    await expect.poll(() => editor.edgeCount()).toBe(2);

    // An impossible connection (a cycle) is refused and explained.
    await editor.connect('Summarize', 'text', 'Summarize', 'input');
    await expect.poll(() => editor.edgeCount()).toBe(2);
    await page
      .getByRole('status', { name: 'Editor announcements' })
      .filter({ hasText: 'Cannot connect: A node cannot connect to itself.' })
      .waitFor();

    // A type mismatch is refused and explained: passages cannot feed a text query.
    for (const label of ['Search A', 'Search B']) {
      await editor.add('Knowledge-base retrieval');
      await editor.field('Label').fill(label);
    }
    await editor.button('Auto-layout').click();
    await editor.connect('Search A', 'documents', 'Search B', 'query');
    await page
      .getByRole('status', { name: 'Editor announcements' })
      .filter({
        hasText: 'Cannot connect: Type mismatch: Passages (documents) cannot feed Query (text).',
      })
      .waitFor();
    expect(await editor.edgeCount()).toBe(2);
    await editor.select('Search A');
    await editor.shortcut('Delete');
    await editor.select('Search B');
    await editor.shortcut('Delete');
    await expect.poll(() => editor.nodeCount()).toBe(3);

    await editor.button('Fit view').click();
    const summarize = (w: StoredWorkflow) => w.nodes.find((n) => n.data['label'] === 'Summarize');
    const placed = summarize(await serverWorkflow(server, id, (w) => summarize(w) !== undefined))!;
    const before = await editor.node('Summarize').boundingBox();
    await editor.dragNode('Summarize', 120, 60);
    const after = await editor.node('Summarize').boundingBox();
    expect(after!.x).toBeGreaterThan(before!.x + 50);
    // The drag is saved once it ends, and reaches the server.
    await serverWorkflow(server, id, (w) => {
      const moved = summarize(w);
      return (
        moved !== undefined &&
        moved.position.x > placed.position.x &&
        moved.position.y > placed.position.y
      );
    });

    const stored = await serverWorkflow(
      server,
      id,
      (w) =>
        w.nodes.some(
          (n) => n.data['label'] === 'Summarize' && n.data['model'] === 'gpt-4.1-mini',
        ) && w.edges.length === 2,
    );
    expect(stored.nodes.map((n) => n.type).sort()).toEqual(['llm', 'output', 'trigger']);

    // Nothing to save by hand: a reload straight away shows everything, from the local database.
    await editor.waitForSaved();
    await page.reload();
    await editor.waitUntilOpen();
    await expect.poll(() => editor.nodeCount()).toBe(3);
    await expect.poll(() => editor.edgeCount()).toBe(2);
  });

  it('keyboard: select all, copy, paste into another workflow, duplicate, delete, undo and redo', async () => {
    await list.open();
    const editor = await openNewWorkflow(list, 'Keyboard source');
    await editor.button('Use template Summarize a web page').click();
    await expect.poll(() => editor.nodeCount()).toBe(4);
    await editor.focusCanvas();
    await editor.shortcut('Control+a');
    await editor.shortcut('Control+c');
    await page
      .getByRole('status', { name: 'Editor announcements' })
      .filter({ hasText: 'Copied 4 nodes.' })
      .waitFor();

    await list.open();
    const target = await openNewWorkflow(list, 'Keyboard target');
    const targetId = target.workflowId();
    await target.focusCanvas();
    await target.shortcut('Control+v');
    await expect.poll(() => target.nodeCount()).toBe(4);
    await expect.poll(() => target.edgeCount()).toBe(3);

    await target.shortcut('Control+d');
    await expect.poll(() => target.nodeCount()).toBe(8);
    await target.shortcut('Delete');
    await expect.poll(() => target.nodeCount()).toBe(4);
    await target.shortcut('Control+z');
    await expect.poll(() => target.nodeCount()).toBe(8);
    await target.shortcut('Control+Shift+z');
    await expect.poll(() => target.nodeCount()).toBe(4);
    await target.shortcut('Control+z');
    await target.shortcut('Control+y');
    await expect.poll(() => target.nodeCount()).toBe(4);

    const stored = await serverWorkflow(
      server,
      targetId,
      (w) => w.nodes.length === 4 && w.edges.length === 3,
    );
    const ids = new Set(stored.nodes.map((n) => n.id));
    expect(stored.edges.every((e) => ids.has(e.source) && ids.has(e.target))).toBe(true);
  });

  it('exports a file, refuses bad imports with a clear message, imports a good one, and keeps versions', async () => {
    await list.open();
    const editor = await openNewWorkflow(list, 'Files and versions');
    const id = editor.workflowId();
    await editor.button('Use template Answer from a knowledge base').click();
    await expect.poll(() => editor.nodeCount()).toBe(6);

    const download = page.waitForEvent('download');
    await editor.button('Export workflow file').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('files-and-versions.flowkeep.json');
    const exported = join(tempDir, 'exported.json');
    await file.saveAs(exported);

    const bad: [string, string | null, RegExp][] = [
      ['not-json.json', 'this is { not json', /This file is not JSON/],
      [
        'newer.json',
        JSON.stringify({
          format: 'flowkeep.workflow',
          version: 2,
          name: 'x',
          nodes: [],
          edges: [],
        }),
        /format version 2, made by a newer Flowkeep/,
      ],
      [
        'unknown-type.json',
        JSON.stringify({
          format: 'flowkeep.workflow',
          version: 1,
          name: 'x',
          nodes: [{ id: 'a', type: 'teleport', position: { x: 0, y: 0 }, data: {} }],
          edges: [],
        }),
        /nodes\[0\]\.type: unknown node type "teleport"/,
      ],
      [
        'dangling.json',
        JSON.stringify({
          format: 'flowkeep.workflow',
          version: 1,
          name: 'x',
          nodes: [{ id: 'a', type: 'output', position: { x: 0, y: 0 }, data: {} }],
          edges: [{ id: 'e1', source: 'a', target: 'nowhere' }],
        }),
        /edges\[0\]\.target: node "nowhere" is not in the file/,
      ],
      ['huge.json', null, /The file is 50\.0 MB; a workflow file can be at most 10\.0 MB/],
    ];
    for (const [name, text, message] of bad) {
      const path = join(tempDir, name);
      if (text === null) {
        await writeFile(path, '');
        await truncate(path, 50 * 1024 * 1024);
      } else await writeFile(path, text);
      await editor.importFile(path);
      const alert = page.getByRole('alert').filter({ hasText: `Could not import ${name}` });
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(message);
      expect(await alert.textContent()).toMatch(/Nothing was imported/);
      expect(await editor.nodeCount()).toBe(6);
      await editor.button('Dismiss import error').click();
    }

    await editor.button('Versions').click();
    await editor.field('Version name').fill('Six nodes');
    await editor.button('Save version').click();
    await page.getByRole('list', { name: 'Saved versions' }).getByText('Six nodes').waitFor();

    const single = join(tempDir, 'single.json');
    await writeFile(
      single,
      JSON.stringify({
        format: 'flowkeep.workflow',
        version: 1,
        name: 'x',
        nodes: [{ id: 'only', type: 'output', position: { x: 0, y: 0 }, data: {} }],
        edges: [],
      }),
    );
    await editor.importFile(single);
    await expect.poll(() => editor.nodeCount()).toBe(1);
    await editor.button('Restore version Six nodes').click();
    await expect.poll(() => editor.nodeCount()).toBe(6);
    await editor.importFile(exported);
    await expect.poll(() => editor.nodeCount()).toBe(6);

    const stored = await serverWorkflow(
      server,
      id,
      (w) => w.versions.length === 1 && w.nodes.length === 6,
    );
    expect(stored.versions[0]!.name).toBe('Six nodes');
  });
});

describe('two devices editing one workflow', { timeout: 180_000 }, () => {
  it('keeps both devices’ edits of different nodes made offline, and undo after a remote change reverts only the own edit', async () => {
    const email = uniqueEmail('editor-devices');
    const laptop = await newDevice(browser, server.url);
    const phone = await newDevice(browser, server.url);
    const onLaptop = await signUp(await laptop.newPage(), email);
    const onPhone = await signIn(await phone.newPage(), email);
    const laptopEditor = await openNewWorkflow(onLaptop, 'Shared flow');
    const id = laptopEditor.workflowId();
    await laptopEditor.button('Use template Summarize a web page').click();
    await serverWorkflow(server, id, (w) => w.nodes.length === 4);

    await onPhone.waitForWorkflow('Shared flow');
    await onPhone.openWorkflow('Shared flow');
    const phoneEditor = new WorkflowEditorPage(onPhone.page);
    await phoneEditor.waitUntilOpen();
    await expect.poll(() => phoneEditor.nodeCount()).toBe(4);

    await laptop.setOffline(true);
    await phone.setOffline(true);
    await laptopEditor.select('Summarize');
    await laptopEditor.field('Model').fill('laptop-model');
    await phoneEditor.select('Fetch page');
    await phoneEditor.field('URL').fill('https://phone.example/{{input.url}}');
    await laptop.setOffline(false);
    await phone.setOffline(false);

    const merged = await serverWorkflow(
      server,
      id,
      (w) =>
        w.nodes.some((n) => n.data['model'] === 'laptop-model') &&
        w.nodes.some((n) => n.data['url'] === 'https://phone.example/{{input.url}}'),
      30_000,
    );
    expect(merged.nodes).toHaveLength(4);
    // Both devices show both edits.
    await expect
      .poll(() => laptopEditor.field('Model').inputValue(), { timeout: 15_000 })
      .toBe('laptop-model');
    await phoneEditor.select('Summarize');
    await expect
      .poll(() => phoneEditor.field('Model').inputValue(), { timeout: 15_000 })
      .toBe('laptop-model');
    await laptopEditor.select('Fetch page');
    await expect
      .poll(() => laptopEditor.field('URL').inputValue(), { timeout: 15_000 })
      .toBe('https://phone.example/{{input.url}}');

    // Undo on the laptop after the phone's edit arrived: only the laptop's model edit goes.
    await laptopEditor.focusCanvas();
    await laptopEditor.shortcut('Control+z');
    await serverWorkflow(
      server,
      id,
      (w) =>
        w.nodes.some((n) => n.data['label'] === 'Summarize' && n.data['model'] === 'gpt-4o-mini') &&
        w.nodes.some((n) => n.data['url'] === 'https://phone.example/{{input.url}}'),
      20_000,
    );
    await laptop.close();
    await phone.close();
  });
});

describe('a viewer', { timeout: 180_000 }, () => {
  it('sees the workflow read-only, is told why, and cannot change it', async () => {
    const ownerDevice = await newDevice(browser, server.url);
    const owner = await signUp(await ownerDevice.newPage(), uniqueEmail('editor-owner'));
    const ownerEditor = await openNewWorkflow(owner, 'Viewed flow');
    const id = ownerEditor.workflowId();
    await ownerEditor.button('Use template Summarize a web page').click();
    await serverWorkflow(server, id, (w) => w.nodes.length === 4);

    const members = new MembersPage(owner.page);
    await members.open();
    const viewerEmail = uniqueEmail('editor-viewer');
    const link = await members.invite(viewerEmail, 'viewer');
    const viewerDevice = await newDevice(browser, server.url);
    const viewerPage = await viewerDevice.newPage();
    const invite = new InvitePage(viewerPage);
    await invite.open(link);
    await invite.signUpHere(viewerEmail, TEST_PASSWORD);
    await invite.accept();
    const viewerList = new WorkflowListPage(viewerPage);
    await viewerList.waitForWorkflow('Viewed flow');
    await viewerList.openWorkflow('Viewed flow');
    const editor = new WorkflowEditorPage(viewerPage);
    await editor.waitUntilOpen();
    await expect.poll(() => editor.nodeCount()).toBe(4);

    expect(await viewerPage.getByRole('note').textContent()).toMatch(
      /your role in this organization is viewer/,
    );
    expect(await viewerPage.getByRole('navigation', { name: 'Node palette' }).count()).toBe(0);
    for (const name of [
      'Undo',
      'Paste',
      'Delete selection',
      'Auto-layout',
      'Import workflow file',
    ]) {
      expect(await editor.button(name).count()).toBe(0);
    }
    await editor.select('Summarize');
    expect(await editor.field('Model').getAttribute('readonly')).not.toBeNull();
    await editor.focusCanvas();
    await editor.shortcut('Control+a');
    await editor.shortcut('Delete');
    await editor.shortcut('Control+d');
    await editor.shortcut('Control+v');
    await viewerPage.waitForTimeout(500);
    expect(await editor.size()).toEqual({ nodes: 4, edges: 3 });
    const stored = await serverWorkflow(server, id, () => true);
    expect(stored.nodes).toHaveLength(4);
    await ownerDevice.close();
    await viewerDevice.close();
  });
});
