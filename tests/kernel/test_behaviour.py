"""The C# kernel's own guarantees, checked through Jupyter's client library:
forged or unsigned messages are never executed, interrupts stop a running cell within 1 s,
memory stays flat over 1,000 executions, stdin and stop_on_error behave as ipykernel's."""
import os
import re
import signal
import tempfile
import time
import unittest
import uuid

from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

KERNEL = os.environ.get("ATTEND_KERNEL_NAME", "attend-csharp")

# A shell starts background jobs with SIGINT ignored, Python keeps it ignored, and kernels would
# inherit that: give this process a handler so the kernels it starts get the default.
signal.signal(signal.SIGINT, signal.default_int_handler)
TIMEOUT = 30


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def wait_for_stream(kc, msg_id, text):
    while True:
        m = kc.get_iopub_msg(timeout=TIMEOUT)
        if m["msg_type"] == "stream" and m["parent_header"].get("msg_id") == msg_id and text in m["content"]["text"]:
            return


class KernelBehaviour(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=120)
        cls.pid = cls.km.provisioner.process.pid

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel()

    def run_cell(self, code, **kw):
        outputs = []
        reply = self.kc.execute_interactive(code, timeout=TIMEOUT, output_hook=outputs.append, **kw)
        return reply["content"], [m for m in outputs if m["msg_type"] not in ("status", "execute_input")]

    def value(self, code):
        content, outputs = self.run_cell(code)
        self.assertEqual(content["status"], "ok", content)
        results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(len(results), 1, outputs)
        return results[0]

    def test_forged_and_unsigned_requests_are_not_executed(self):
        marker = os.path.join(tempfile.mkdtemp(), "executed")
        code = f'System.IO.File.WriteAllText(@"{marker}", "x");'
        for key in (b"not-the-key", b""):
            forger = Session(key=key, username="mallory")
            forger.send(self.kc.shell_channel.socket, forger.msg("execute_request", content={
                "code": code, "silent": False, "store_history": True, "user_expressions": {},
                "allow_stdin": False, "stop_on_error": True}))
        # Shell requests are served in order: once this reply is back, the forged ones were seen.
        self.assertEqual(self.value("40 + 2"), "42")
        time.sleep(0.2)
        self.assertFalse(os.path.exists(marker), "a forged execute_request was executed")

    def interrupt_while_true(self, interrupt, code="while (true) { }"):
        msg_id = self.kc.execute('Console.WriteLine("started");\n' + code)
        # Interrupt once the cell runs (an interrupt while idle is ignored, as ipykernel's, and
        # one during compilation proves nothing about running code): it prints "started".
        wait_for_stream(self.kc, msg_id, "started")
        time.sleep(0.3)
        started = time.monotonic()
        interrupt()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        elapsed = time.monotonic() - started
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertLess(elapsed, 1.0, f"interrupt took {elapsed:.2f} s")
        self.assertEqual(self.value("1 + 1"), "2")   # the kernel stays usable

    def test_interrupt_request_stops_a_running_cell_within_a_second(self):
        self.interrupt_while_true(self.km.interrupt_kernel)   # interrupt_mode "message": control channel

    def test_sigint_stops_a_running_cell_within_a_second(self):
        self.interrupt_while_true(lambda: os.kill(self.pid, signal.SIGINT))

    def test_interrupt_request_stops_a_sleep_within_a_second(self):
        self.interrupt_while_true(self.km.interrupt_kernel, "Thread.Sleep(15000);")

    def test_sigint_stops_a_task_wait_within_a_second(self):
        self.interrupt_while_true(lambda: os.kill(self.pid, signal.SIGINT), "Task.Delay(15000).Wait();")

    def test_state_carries_between_cells(self):
        self.run_cell("var carried = 21;")
        self.assertEqual(self.value("carried * 2"), "42")

    def test_stdin_input_request(self):
        def answer(msg):
            self.assertEqual(msg["msg_type"], "input_request")
            self.kc.input("typed text")
        outputs = []
        reply = self.kc.execute_interactive("var line = Console.ReadLine(); line.ToUpper()", timeout=TIMEOUT,
                                            allow_stdin=True, stdin_hook=answer, output_hook=outputs.append)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertIn("TYPED TEXT", [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"])

    def test_input_without_stdin_is_an_error(self):
        content, _ = self.run_cell("Console.ReadLine()", allow_stdin=False)
        self.assertEqual(content["status"], "error")
        self.assertIn("allow_stdin", content["evalue"])

    def test_stop_on_error_aborts_queued_cells(self):
        failing = self.kc.execute('throw new Exception("first");')
        queued = self.kc.execute('Console.WriteLine("must not run");')
        replies = {}
        while len(replies) < 2:
            r = self.kc.get_shell_msg(timeout=TIMEOUT)
            replies[r["parent_header"]["msg_id"]] = r["content"]["status"]
        self.assertEqual(replies[failing], "error")
        self.assertEqual(replies[queued], "aborted")

    def test_update_display_data(self):
        content, outputs = self.run_cell('var h = display("first"); h.Update("second");')
        self.assertEqual(content["status"], "ok")
        kinds = [m["msg_type"] for m in outputs]
        self.assertEqual(kinds, ["display_data", "update_display_data"])
        self.assertEqual(outputs[0]["content"]["transient"]["display_id"], outputs[1]["content"]["transient"]["display_id"])

    def test_dotnet_interactive_outputs_arrive_in_their_mime_types(self):
        """Cells written for .NET Interactive: subkernel cells, LaTeX, registered formatters, named MIME types."""
        def data(code, kind):
            content, outputs = self.run_cell(code)
            self.assertEqual(content["status"], "ok", content)
            return [m["content"]["data"] for m in outputs if m["msg_type"] == kind]
        self.assertEqual(data("#!html\n<b>x</b>", "display_data"), [{"text/html": "<b>x</b>", "text/plain": "<b>x</b>"}])
        self.assertEqual(data('(LaTeXString)"x^2"', "execute_result")[0]["text/latex"], "x^2")
        registered = data('using Microsoft.DotNet.Interactive.Formatting;\nrecord Pt(int X);\n'
                          'Formatter.Register<Pt>((p, w) => w.Write($"<i>{p.X}</i>"), "text/html");\ndisplay(new Pt(7));', "display_data")
        self.assertEqual(registered[0]["text/html"], "<i>7</i>")
        content, outputs = self.run_cell('var h = display(1, "text/html"); h.Update(2);')
        updates = [m["content"]["data"] for m in outputs if m["msg_type"] == "update_display_data"]
        self.assertIn("<pre>2</pre>", updates[0]["text/html"])
        content, outputs = self.run_cell("#!fsharp\nlet x = 1")
        self.assertEqual(content["status"], "error")
        self.assertIn("#!fsharp", content["evalue"])

    def test_compile_error_sends_exactly_one_error(self):
        content, outputs = self.run_cell("int x = \"not an int\";")
        self.assertEqual(content["status"], "error")
        self.assertEqual([m["msg_type"] for m in outputs], ["error"])
        self.assertIn("CS0029", outputs[0]["content"]["evalue"])

    def test_runtime_error_traceback_marks_the_failing_line(self):
        content, outputs = self.run_cell('var ok = 1;\nthrow new InvalidOperationException("boom");')
        self.assertEqual(content["status"], "error")
        errors = [m for m in outputs if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        traceback = "\n".join(errors[0]["content"]["traceback"])
        self.assertIn("\x1b[0;31m", traceback)   # coloured, as ipykernel's
        plain = re.sub("\x1b\\[[0-9;]*m", "", traceback)
        self.assertIn(f"Cell In[{content['execution_count']}], line 2", plain)
        self.assertIn('----> 2 throw new InvalidOperationException("boom");', plain)
        self.assertTrue(plain.endswith("InvalidOperationException: boom"), plain)

    def test_inspect_inside_a_call_describes_its_overloads(self):
        code = "Math.Max("
        self.kc.inspect(code, len(code), detail_level=0)
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertTrue(reply["content"]["found"], reply["content"])
        text = reply["content"]["data"]["text/plain"]
        self.assertIn("overloads of System.Math.Max", text)
        self.assertIn("int System.Math.Max(«int val1», int val2)", text)

    def test_memory_stays_flat_over_1000_executions(self):
        for _ in range(100):
            self.kc.execute_interactive("1 + 1", timeout=TIMEOUT, output_hook=lambda m: None)
        before = rss_mb(self.pid)
        for _ in range(1000):
            self.kc.execute_interactive("1 + 1", timeout=TIMEOUT, output_hook=lambda m: None)
        growth = rss_mb(self.pid) - before
        print(f"\nkernel RSS growth over 1,000 executions: {growth:.1f} MB (from {before:.0f} MB)")
        self.assertLess(growth, 50.0)


class KernelLifecycle(unittest.TestCase):
    def test_a_call_that_ignores_the_interrupt_is_reported(self):
        km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=120)
        try:
            # One long native call (OpenSSL's PBKDF2, two billion rounds) cannot be stopped: the kernel says so.
            kc.execute_interactive("1 + 1", timeout=TIMEOUT, output_hook=lambda m: None)
            msg_id = kc.execute('Console.WriteLine("started");\n'
                                "System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(new byte[8], new byte[8], int.MaxValue, "
                                "System.Security.Cryptography.HashAlgorithmName.SHA256, 32)")
            wait_for_stream(kc, msg_id, "started")
            time.sleep(0.3)
            started = time.monotonic()
            km.interrupt_kernel()
            said = None
            while said is None and time.monotonic() - started < 10:
                m = kc.get_iopub_msg(timeout=TIMEOUT)
                if m["msg_type"] == "stream" and m["content"]["name"] == "stderr" and "cannot be interrupted" in m["content"]["text"]:
                    said = time.monotonic() - started
            self.assertIsNotNone(said, "no message about the uninterruptible call")
            self.assertLess(said, 5.0)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    def test_shutdown_request_ends_the_process(self):
        km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=120)
        process = km.provisioner.process
        kc.stop_channels()
        started = time.monotonic()
        km.shutdown_kernel(now=False)   # shutdown_request on control, then wait for exit
        self.assertIsNotNone(process.poll(), "kernel still running after shutdown")
        self.assertLess(time.monotonic() - started, 5.0)


if __name__ == "__main__":
    unittest.main()
