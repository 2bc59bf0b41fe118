/**
 * The test harness that runs inside the sandbox next to the candidate program. It reads and deletes tests.json, runs
 * the program, then each assert on its own (for `assert a == b` it evaluates both sides, so a failure shows expected
 * vs got), then `check(candidate)`. Results go to a private duplicate of stdout, one line prefixed with a nonce, so
 * the program's own prints cannot be mistaken for results by accident.
 */
export const HARNESS_PY = String.raw`
import ast, json, os, sys, traceback

def _distill_main():
    with open('/work/tests.json', encoding='utf-8') as f:
        spec = json.load(f)
    os.unlink('/work/tests.json')
    nonce = spec['nonce']
    out = os.dup(1)

    def report(obj):
        os.write(out, ('\n' + nonce + json.dumps(obj) + '\n').encode('utf-8'))

    def short(value):
        text = repr(value)
        return text if len(text) <= 300 else text[:300] + '...'

    def error(e):
        return (type(e).__name__ + ': ' + str(e))[:500]

    with open('/work/solution.py', encoding='utf-8') as f:
        source = f.read()
    try:
        code = compile(source, 'solution.py', 'exec')
    except SyntaxError as e:
        report({'kind': 'syntax', 'error': '%s: %s (line %s)' % (type(e).__name__, e.msg, e.lineno)})
        return
    env = {'__name__': '__solution__', '__builtins__': __builtins__}
    try:
        if spec.get('prelude'):
            exec(compile(spec['prelude'], 'prelude', 'exec'), env)
        exec(code, env)
    except MemoryError:
        report({'kind': 'memory', 'where': 'load'})
        return
    except RecursionError as e:
        report({'kind': 'load', 'error': error(e)})
        return
    except BaseException as e:
        report({'kind': 'load', 'error': error(e)})
        return
    entry = spec.get('entryPoint')
    if entry and not callable(env.get(entry)):
        report({'kind': 'load', 'error': 'the program does not define a function named %s' % entry})
        return
    tests = spec['asserts']
    for i, test in enumerate(tests):
        report({'kind': 'start', 'test': i})
        try:
            tree = ast.parse(test)
            node = tree.body[0] if len(tree.body) == 1 else None
            if (isinstance(node, ast.Assert) and isinstance(node.test, ast.Compare)
                    and len(node.test.ops) == 1 and isinstance(node.test.ops[0], ast.Eq)):
                got = eval(compile(ast.Expression(node.test.left), 'test', 'eval'), env)
                expected = eval(compile(ast.Expression(node.test.comparators[0]), 'test', 'eval'), env)
                if not bool(got == expected):
                    report({'kind': 'fail', 'test': i, 'expected': short(expected), 'got': short(got)})
                    return
            else:
                exec(compile(tree, 'test', 'exec'), env)
        except AssertionError as e:
            report({'kind': 'fail', 'test': i, 'error': error(e) if str(e) else None})
            return
        except MemoryError:
            report({'kind': 'memory', 'where': 'test', 'test': i})
            return
        except BaseException as e:
            report({'kind': 'fail', 'test': i, 'error': error(e), 'raised': True})
            return
    if spec.get('check'):
        report({'kind': 'start', 'test': len(tests)})
        try:
            exec(compile(spec['check'], 'check', 'exec'), env)
            env['check'](env[entry])
        except AssertionError as e:
            line = None
            for frame, lineno in traceback.walk_tb(e.__traceback__):
                if frame.f_code.co_filename == 'check':
                    line = spec['check'].splitlines()[lineno - 1].strip()
            report({'kind': 'fail', 'test': len(tests), 'error': ('assertion failed: ' + line) if line else 'assertion failed'})
            return
        except MemoryError:
            report({'kind': 'memory', 'where': 'test', 'test': len(tests)})
            return
        except BaseException as e:
            report({'kind': 'fail', 'test': len(tests), 'error': error(e), 'raised': True})
            return
    report({'kind': 'passed'})

_distill_main()
sys.stdout.flush()
os._exit(0)
`;
