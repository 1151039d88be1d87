// Message catalogue of the ipset parser: stable codes (IPS1xxx errors, IPS2xxx warnings, IPS3xxx info)
// and their texts. Pure data; imports nothing.

export const IPS = {
  unknownCommand: (word: string) => ({ code: 'IPS1001', message: `unknown ipset command '${word}'` }),
  missingArgument: (command: string, what: string) => ({ code: 'IPS1002', message: `'${command}' needs ${what}` }),
  unknownType: (name: string) => ({ code: 'IPS1003', message: `unknown set type '${name}'` }),
  unknownOption: (word: string, where: string) => ({ code: 'IPS1004', message: `unknown ${where} option '${word}'` }),
  missingValue: (option: string) => ({ code: 'IPS1005', message: `option '${option}' needs a value` }),
  notANumber: (option: string, value: string) => ({ code: 'IPS1006', message: `'${value}' is not a valid number for '${option}'` }),
  invalidElement: (type: string, text: string, why: string) => ({ code: 'IPS1007', message: `invalid ${type} element '${text}': ${why}` }),
  duplicateSet: (name: string) => ({ code: 'IPS1008', message: `set '${name}' is created twice (add -exist to allow it)` }),
  unclosedQuote: () => ({ code: 'IPS1009', message: `missing closing '"'` }),
  unexpectedLine: (line: string) => ({ code: 'IPS1010', message: `'${line}' is neither an ipset command nor a line of 'ipset list' output` }),
  invalidFamily: (value: string) => ({ code: 'IPS1011', message: `family '${value}' is not inet or inet6` }),
  notInRestore: (command: string) => ({ code: 'IPS1012', message: `'${command}' cannot be used in a restore file` }),
  listLineWithoutType: (name: string) => ({ code: 'IPS1013', message: `set '${name}' has no 'Type:' line` }),
  unsupportedOutput: (what: string) => ({ code: 'IPS1014', message: `${what} output is not supported: paste 'ipset save' or 'ipset list' instead` }),
  unknownSet: (name: string, command: string) => ({ code: 'IPS2001', message: `'${command}': set '${name}' is not created in this source; the line is ignored` }),
  obsoleteOption: (option: string) => ({ code: 'IPS2002', message: `option '${option}' is obsolete and ignored by ipset` }),
  missingElement: (text: string, name: string) => ({ code: 'IPS2003', message: `'del': '${text}' is not in set '${name}'` }),
  duplicateElement: (text: string, name: string) => ({ code: 'IPS2004', message: `'${text}' is added to set '${name}' twice (add -exist to allow it)` }),
  noEffect: (command: string) => ({ code: 'IPS3001', message: `'${command}' does not change any set; ignored` }),
} as const;
