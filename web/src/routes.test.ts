import { describe, expect, it } from 'vitest';
import routeList from '../scripts/routes.json';
import { patternRoutes, routeFor, routes } from './app';

// scripts/bundle-sizes.mjs measures the pages scripts/routes.json names, against the budget of a
// public page or a portal page; these tests keep that list in step with the router.
describe('the routes the bundle budgets measure', () => {
  const listed = routeList.routes;

  it('name a page of the portal at every address', () => {
    for (const { path } of listed) {
      expect(routeFor(path), path).toBeDefined();
    }
  });

  it('cover every page of the router', () => {
    for (const route of routes) {
      expect(listed.some((r) => r.path === route.path), route.path).toBe(true);
    }
    for (const route of patternRoutes) {
      expect(listed.some((r) => route.matches(r.path)), route.titleKey).toBe(true);
    }
  });

  it('count no page for signed-in roles as public', () => {
    for (const { path } of listed.filter((r) => r.public)) {
      expect(routeFor(path)?.roles, path).toBeUndefined();
    }
  });
});
