/** `bistro menu`: what the kitchen serves, with the portions each ingredient may be adjusted to. */
import { Option, type Command } from 'commander';
import type { MenuItem } from '../../client/node.ts';
import type { RequestVia } from '../../client/types.ts';
import { viaOption, withConnectionOptions, type ConnectionOptions } from './options.ts';
import { money, table, type Colors } from './output.ts';
import { runCommand } from './run-command.ts';

interface MenuOptions extends ConnectionOptions {
  category?: 'starters' | 'mains' | 'desserts' | 'drinks';
  via: RequestVia;
}

/** `fish 4 (1–6)`: the portions served, and the range `--adjust` may set. */
export function ingredientsOf(item: MenuItem): string {
  return item.ingredients.map((ingredient) => `${ingredient.name} ${ingredient.portions} (${ingredient.min}–${ingredient.max})`).join(', ');
}

function menuTable(items: readonly MenuItem[], colors: Colors): string {
  if (items.length === 0) return 'The menu is empty.';
  const rows = items.map((item) => [
    colors.bold(item.id),
    item.available ? item.name : `${item.name} ${colors.dim('(unavailable)')}`,
    money(item.priceCents),
    ingredientsOf(item),
  ]);
  return table([['ID', 'NAME', 'PRICE', 'INGREDIENTS: PORTIONS (MIN–MAX)'].map((heading) => colors.dim(heading)), ...rows]);
}

export function menuCommand(program: Command): Command {
  return withConnectionOptions(
    program
      .command('menu')
      .description('show the menu: each dish, its price and the ingredients `bistro order --adjust` may change')
      .addOption(new Option('--category <category>', 'only one part of the menu').choices(['starters', 'mains', 'desserts', 'drinks']))
      .addOption(viaOption()),
  ).action((options: MenuOptions) =>
    runCommand(options, async ({ out, client }) => {
      const page = await out.waitFor('Reading the menu…', client.menu.list(options.category === undefined ? {} : { category: options.category }));
      out.result(page, () => menuTable(page.items, out.colors));
    }, options.via),
  );
}
