/**
 * Baseline: a bare Fastify app, what a user would write by hand. One route per recorded request
 * answers Bistro's status, headers and bytes; POST routes go through Fastify's own JSON body parser
 * first, as any JSON endpoint would. The ratio against it is Bistro's cost on top of Fastify.
 */
import Fastify from 'fastify';
import { announce, answersByRoute, readAnswers } from './baseline-answers.ts';

const app = Fastify({ logger: false });
for (const [route, answers] of answersByRoute(await readAnswers())) {
  const [method = 'GET', url = '/'] = route.split(' ');
  // Several answers on one path (RPC, GraphQL) are told apart by the parsed body, compared as JSON.
  const byBody = answers.map((answer) => ({ answer, body: answer.requestBody === undefined ? undefined : JSON.stringify(JSON.parse(answer.requestBody)) }));
  app.route({
    method,
    url,
    handler(request, reply) {
      const chosen = byBody.length === 1 ? byBody[0] : (byBody.find(({ body }) => body === JSON.stringify(request.body)) ?? byBody[0]);
      if (!chosen) return reply.code(404).send();
      return reply.code(chosen.answer.status).headers(chosen.answer.headers).send(chosen.answer.body);
    },
  });
}

await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server.address());
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
