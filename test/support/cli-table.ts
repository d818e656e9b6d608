import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Command, Option } from 'commander'
import { createProgram } from '../../src/cli/program.js'
import { README } from './coverage-table.js'

const START = '<!-- cli:start (generated from the CLI definition, src/cli/program.ts, by `npm run docs`) -->'
const END = '<!-- cli:end -->'

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ')
const code = (text: string) => `\`${text}\``

function defaultOf(option: Option): string {
  if (option.defaultValueDescription) return option.defaultValueDescription
  return option.defaultValue === undefined ? '-' : code(String(option.defaultValue))
}

function optionRows(command: Command): string[] {
  return command
    .createHelp()
    .visibleOptions(command)
    .map((option) => {
      const meaning = option.argChoices
        ? `${option.description} (one of ${option.argChoices.map(code).join(', ')})`
        : option.description
      const env = option.envVar ? code(option.envVar) : '-'
      return `| ${code(option.flags)} | ${env} | ${cell(defaultOf(option))} | ${cell(meaning)} |`
    })
}

/** The README's CLI tables (serving options, then `keyemu init`), made from the CLI's own definition. */
export function cliTables(program: Command = createProgram()): string {
  const header = ['| Option | Environment | Default | Meaning |', '|---|---|---|---|']
  const sections = [['`keyemu [options]`', '', ...header, ...optionRows(program)]]
  for (const sub of program.commands) {
    const args = sub.registeredArguments.map(
      (a) =>
        `| ${code(a.name().toUpperCase())} (argument) | - | ${a.defaultValue === undefined ? '-' : code(String(a.defaultValue))} | ${cell(a.description)} |`,
    )
    sections.push([`\`keyemu ${sub.name()}\`: ${cell(sub.description())}`, '', ...header, ...args, ...optionRows(sub)])
  }
  return [START, sections.map((lines) => lines.join('\n')).join('\n\n'), END].join('\n')
}

/** The README with its CLI tables replaced by fresh ones. */
export function readmeWithCliTables(readme: string, tables = cliTables()): string {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) throw new Error('README.md has no cli markers')
  return readme.slice(0, start) + tables + readme.slice(end + END.length)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(README, readmeWithCliTables(readFileSync(README, 'utf8')))
}
