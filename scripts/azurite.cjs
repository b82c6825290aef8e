// Starts Azurite from node_modules, with one correction to LokiJS, the in-memory store it keeps
// its data in.
//
// LokiJS treats any batch (an array given to update or remove) as large: it stops maintaining the
// collection's indexes while it applies the batch and then rebuilds every one of them from scratch,
// sorting the whole collection once per index. Azurite's queue service hands it such batches on
// every operation: before each get, peek or delete it removes the queue's expired messages (an
// empty array almost always), and each get updates the messages it returns as an array. All
// messages of all queues live in one collection with four indexes, so with 1,000 messages waiting
// every dequeue re-sorted them all four times: a fan-out of 1,000 activities spent most of the
// queue service's CPU in those rebuilds. Here an empty batch does nothing and a small one is
// applied one document at a time, which keeps the indexes up to date in place; the result of
// every call is the same.
//
// Usage: node scripts/azurite.cjs [Azurite's flags]
'use strict';
const path = require('node:path');

const azurite = path.dirname(require.resolve('azurite/package.json'));
const { Collection } = require(require.resolve('lokijs', { paths: [azurite] }));

// Up to this many documents, updating indexes in place costs less than rebuilding them.
const SMALL_BATCH = 64;

for (const name of ['update', 'remove']) {
  const original = Collection.prototype[name];
  Collection.prototype[name] = function (doc) {
    if (Array.isArray(doc) && doc.length <= SMALL_BATCH) {
      for (const one of doc) {
        original.call(this, one);
      }
      return;
    }
    return original.call(this, doc);
  };
}

require(path.join(azurite, 'dist', 'src', 'azurite.js'));
