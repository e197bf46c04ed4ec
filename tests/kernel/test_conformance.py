"""Jupyter's own conformance suite (jupyter_kernel_test) run against the C# kernel.

Run with the kernelspec installed where Jupyter finds it (the xunit test JupyterKernelTests
installs it under a temporary prefix and sets JUPYTER_PATH), e.g.
    python3 -m unittest -v tests/kernel/test_conformance.py
"""
import os
import unittest

import jupyter_kernel_test

PNG_1x1 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


class CSharpKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("ATTEND_KERNEL_NAME", "attend-csharp")
    language_name = "C#"
    file_extension = ".cs"

    code_hello_world = 'Console.WriteLine("hello, world");'
    code_stderr = 'Console.Error.WriteLine("written to stderr");'

    completion_samples = [
        {"text": "Math.Ab", "matches": {"Abs"}},
        {"text": "var zebraCount = 1; zebraC", "matches": {"zebraCount"}},
        {"text": '"text".ToUpperInv', "matches": {"ToUpperInvariant"}},
        {"text": "System.Collections.Generic.Dictiona", "matches": {"Dictionary"}},
    ]

    complete_code_samples = ["1 + 1", "var x = 1;", "for (int i = 0; i < 3; i++) { }", 'Console.WriteLine("a");']
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "Console.WriteLine(", "class C {", "var s = @\"open"]
    invalid_code_samples = ["var = ;", "int x = 1 2;", "return return;"]

    code_generate_error = 'throw new InvalidOperationException("boom");'

    code_execute_result = [
        {"code": "1 + 2 * 3", "result": "7"},
        {"code": '"ab" + "cd"', "result": "abcd"},
        {"code": "new[] { 1, 2, 3 }.Sum()", "result": "6"},
    ]
    code_history_pattern = "1 + 2*"
    supported_history_operations = ("tail", "range", "search")

    code_display_data = [
        {"code": f'display(Convert.FromBase64String("{PNG_1x1}"));', "mime": "image/png"},
        {"code": 'record Html(string Body) { public string ToHtml() => Body; }\ndisplay(new Html("<b>bold</b>"));', "mime": "text/html"},
    ]

    code_inspect_sample = "Math.Abs"
    code_clear_output = "clear_output();"


if __name__ == "__main__":
    unittest.main()
