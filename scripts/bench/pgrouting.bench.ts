// Benchmark section: the same single reach and the same district batch on pgRouting 3.x, in the same
// run, printed as ratios to the in-process engine. Needs a PostgreSQL server with pgRouting:
// BENCH_DATABASE_URL or DATABASE_URL, or else a private cluster started here when Debian's
// postgresql-15 and postgresql-15-pgrouting are installed; otherwise the section says it was skipped.

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { registerBenchSection } from './registry.ts';
import { fmtMs, percentile, ROOT, type BenchContext } from './context.ts';
import { edgeCostsSec } from '../../server/network/profiles.ts';
import type { WalkingGraph } from '../../server/network/walkingGraph.ts';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const PGROUTING_CONTROL = '/usr/share/postgresql/15/extension/pgrouting.control';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A server URL with pgRouting, or the reason there is none. */
async function referenceServer(ctx: BenchContext): Promise<{ url: string } | { skipped: string }> {
  const given = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL;
  if (given) return { url: given };
  if (!fs.existsSync(path.join(PG_BIN, 'initdb')) || !fs.existsSync(PGROUTING_CONTROL)) {
    return { skipped: 'no BENCH_DATABASE_URL/DATABASE_URL and no local postgresql-15 + postgresql-15-pgrouting to start a private cluster' };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hexi-bench-pg-'));
  const port = await freePort();
  const script = path.join(ROOT, 'scripts/pg-cluster.sh');
  const url = execFileSync('bash', [script, 'start', dir, String(port)], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
  ctx.onCleanup(() => {
    execFileSync('bash', [script, 'stop', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  ctx.note(`started a private PostgreSQL 15 cluster on 127.0.0.1:${port} (removed at the end)`);
  return { url };
}

async function loadEdges(client: pg.Client, g: WalkingGraph, costs: Float64Array): Promise<void> {
  await client.query('drop table if exists bench_edges');
  await client.query('create table bench_edges (id integer primary key, source bigint, target bigint, cost float8, x float8, y float8)');
  const cols: number[][] = [[], [], [], [], [], []];
  for (let e = 0; e < g.edgeCount; e++) {
    const a = g.edgeFrom[e], b = g.edgeTo[e];
    cols[0].push(e + 1); cols[1].push(a + 1); cols[2].push(b + 1);
    cols[3].push(Number.isFinite(costs[e]) ? costs[e] : -1);
    cols[4].push((g.nodeX[a] + g.nodeX[b]) / 2); cols[5].push((g.nodeY[a] + g.nodeY[b]) / 2);
  }
  await client.query('insert into bench_edges select * from unnest($1::int[], $2::bigint[], $3::bigint[], $4::float8[], $5::float8[], $6::float8[])', cols);
  await client.query('create index on bench_edges (x, y)');
  await client.query('analyze bench_edges');
  // Node positions on the same local plane (metres), for drawing rings from pgRouting's answer.
  await client.query('drop table if exists bench_nodes');
  await client.query('create table bench_nodes (id bigint primary key, geom geometry(Point))');
  await client.query('insert into bench_nodes select id, ST_MakePoint(x, y) from unnest($1::bigint[], $2::float8[], $3::float8[]) as t(id, x, y)', [
    Array.from({ length: g.nodeCount }, (_, v) => v + 1), Array.from(g.nodeX), Array.from(g.nodeY)]);
  await client.query('analyze bench_nodes');
}

registerBenchSection({
  name: 'pgrouting',
  title: 'The same work on pgRouting (reference engine), with ratios',
  order: 40,
  async run(ctx) {
    const server = await referenceServer(ctx);
    if ('skipped' in server) { ctx.figure('pgRouting reference', `skipped: ${server.skipped}`); return; }
    const { graph, engine, points, sampleGates, districtGates, origins } = ctx.hexi();
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    const dbName = `walking_bench_${process.pid}`;
    await admin.query(`create database ${dbName}`);
    ctx.onCleanup(async () => { await admin.query(`drop database if exists ${dbName} with (force)`); await admin.end(); });
    const url = new URL(server.url);
    url.pathname = `/${dbName}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    ctx.onCleanup(() => client.end());
    await client.query('create extension if not exists postgis');
    await client.query('create extension pgrouting cascade');
    const { rows: [{ version }] } = await client.query('select pgr_version() as version');
    const costs = edgeCostsSec(graph, engine.profile('standard'));
    await loadEdges(client, graph, costs);
    ctx.note(`pgRouting ${version}; the same ${graph.edgeCount} segment edges with the standard profile's costs (seconds)`);

    // pgRouting works node to node: each place goes to the nearer end of the edge it snaps to.
    const nodeOf = (lon: number, lat: number): number | null => {
      const s = engine.snap(lon, lat, 'standard');
      if (!s.ok) return null;
      return (s.t < 0.5 ? graph.edgeFrom[s.edge] : graph.edgeTo[s.edge]) + 1;
    };

    // Single 15-minute reach.
    const sampleOrigins = origins.slice(0, 40);
    const startNodes = sampleOrigins.map((o) => nodeOf(o[0], o[1])!).filter(Boolean);
    const timeQueries = async (sqlText: (v: number, i: number) => [string, unknown[]]) => {
      const ms: number[] = [];
      for (const [i, v] of startNodes.entries()) {
        const [text, params] = sqlText(v, i);
        const t0 = performance.now();
        await client.query(text, params);
        ms.push(performance.now() - t0);
      }
      return ms.sort((a, b) => a - b);
    };
    const whole = await timeQueries((v) => [
      `select count(*) from pgr_drivingDistance('select id, source, target, cost, cost as reverse_cost from bench_edges', $1::bigint, 900, directed => false)`, [v]]);
    const bbox = await timeQueries((v) => {
      const x = graph.nodeX[v - 1], y = graph.nodeY[v - 1], r = 900 * 1.1 + 300;
      return [`select count(*) from pgr_drivingDistance($$select id, source, target, cost, cost as reverse_cost from bench_edges
                 where x between ${x - r} and ${x + r} and y between ${y - r} and ${y + r}$$, $1::bigint, 900, directed => false)`, [v]];
    });
    // The whole reach as it is usually drawn on PostGIS: the same search, then a concave hull of the
    // nodes reached within 5, 10 and 15 minutes (ST_ConcaveHull, target 0.3, holes not allowed).
    const hulls = await timeQueries((v) => [
      `with dd as (select node, agg_cost from pgr_drivingDistance('select id, source, target, cost, cost as reverse_cost from bench_edges', $1::bigint, 900, directed => false))
       select m, ST_NPoints(ST_ConcaveHull(ST_Collect(n.geom) filter (where dd.agg_cost <= m * 60), 0.3)) from dd join bench_nodes n on n.id = dd.node,
         (values (5), (10), (15)) as minutes(m) group by m`, [v]]);
    const oursFull = ctx.results.get('reach.p50') ?? percentile(ctx.time(origins, (o) => engine.reach(o, { profile: 'standard', minutes: [5, 10, 15], perCategory: 3, ringFormat: 'packed' })), 50);
    const oursTimes = ctx.results.get('travelTimes15.p50') ?? percentile(ctx.time(origins, (o) => engine.travelTimes(o, 'standard', 900)), 50);
    ctx.figure('pgr_drivingDistance 15 min, edges of the whole network', `p50 ${fmtMs(percentile(whole, 50))}  p95 ${fmtMs(percentile(whole, 95))}`);
    ctx.figure('pgr_drivingDistance 15 min, edges in a bounding box', `p50 ${fmtMs(percentile(bbox, 50))}  p95 ${fmtMs(percentile(bbox, 95))}`);
    ctx.figure('pgr_drivingDistance + ST_ConcaveHull at 5/10/15 min', `p50 ${fmtMs(percentile(hulls, 50))}  p95 ${fmtMs(percentile(hulls, 95))}`);
    ctx.figure('ratio pgRouting + hulls / our full reach (rings + nearest)', `${(percentile(hulls, 50) / oursFull).toFixed(1)}×`);
    ctx.figure('ratio pgRouting (whole) / our full reach (rings + nearest)', `${(percentile(whole, 50) / oursFull).toFixed(1)}×`);
    ctx.figure('ratio pgRouting (bbox) / our full reach (rings + nearest)', `${(percentile(bbox, 50) / oursFull).toFixed(1)}×`);
    ctx.figure('ratio pgRouting (whole) / our travel times alone', `${(percentile(whole, 50) / oursTimes).toFixed(0)}×`);

    // District batch: per category, the nearest point from every gate (pgr_dijkstraNearCost).
    const categories = [...new Set(points.map((p) => p.category_id))];
    for (const [label, gates, key] of [['sample set gates', sampleGates, 'batch.sample'], ['district-wide synthetic gates', districtGates, 'batch.district']] as const) {
      const gateNodes = [...new Set(gates.map((g) => nodeOf(g.lon, g.lat)).filter((v): v is number => v !== null))];
      const t0 = performance.now();
      for (const category of categories) {
        const pointNodes = [...new Set(points.filter((p) => p.category_id === category).map((p) => nodeOf(p.lon, p.lat)).filter((v): v is number => v !== null))];
        await client.query(
          `select start_vid, agg_cost from pgr_dijkstraNearCost('select id, source, target, cost, cost as reverse_cost from bench_edges',
             $1::bigint[], $2::bigint[], directed => false, cap => 1, global => false)`, [gateNodes, pointNodes]);
      }
      const theirs = performance.now() - t0;
      const ours = ctx.results.get(key) ?? percentile(ctx.time([0, 1, 2], () => engine.batchNearest(gates, { profile: 'standard' }), 1), 50);
      ctx.figure(`${gates.length} ${label} × 10 categories on pgRouting`, `${fmtMs(theirs)}  (ours ${fmtMs(ours)}, ratio ${(theirs / ours).toFixed(1)}×)`);
    }
  },
});
