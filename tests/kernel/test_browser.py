"""The kernel as a student meets it: Debian's Jupyter Notebook 6.4 in headless Chromium, driven
through Selenium. Opens a notebook on this kernel, runs all cells (an image output renders),
interrupts a sleep from the Kernel menu, restarts, gets the completion popup and the Shift+Tab
tooltip inside a call, saves and reloads with the outputs kept. A chart (a cell object with
ToPlotly(), as the library's figures) draws with the plotly.js the kernelspec serves, with no
network: its SVG has one trace per series and hovering a point shows its value, also after save and
reload, and after the notebook was untrusted (the PNG shows) and trusted again; nbconvert's HTML
without scripts shows the chart's PNG. Screenshots of failures go to $ATTEND_BROWSER_ARTEFACTS
(default: a temporary folder, printed).

Needs Debian's jupyter-notebook, chromium, chromium-driver and python3-selenium, and the
kernelspec on JUPYTER_PATH (JupyterKernelTests installs it). The server binds to 127.0.0.1.
"""
import json
import os
import re
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

KERNEL = os.environ.get("ATTEND_KERNEL_NAME", "attend-csharp")
# A 2×2 PNG (red, green / blue, white), shown by the kernel as image/png.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAAMIM/4EAAB/uBfsL2WiLAAAAAElFTkSuQmCC"
CELLS = [
    "var greeting = \"hello\";\ngreeting.Length + 37",
    f"Convert.FromBase64String(\"{PNG}\")",
    "Math.Max(3, 4)",
]
WAIT = 60
# A chart with a line (with markers, for hovering) and bars, as any object with ToPlotly() shows.
CHART_FIGURE = {"data": [{"type": "scatter", "mode": "lines+markers", "name": "loss", "x": [1, 2, 3], "y": [2.5, 4.25, 3.0]},
                         {"type": "bar", "name": "count", "x": [1, 2, 3], "y": [1, 1, 2]}],
                "layout": {"width": 600, "height": 380, "hovermode": "closest"}}
CHART_CELL = ("class Chart { public string ToPlotly() => " + json.dumps(json.dumps(CHART_FIGURE)) + "; }\n"
              "new Chart()")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def notebook_json(sources=CELLS):
    cells = [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [], "source": src}
             for i, src in enumerate(sources)]
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": KERNEL, "display_name": "C# (Attend)", "language": "C#"}}}


class Browser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="attend-browser-")
        cls.artefacts = os.environ.get("ATTEND_BROWSER_ARTEFACTS") or tempfile.mkdtemp(prefix="attend-browser-shots-")
        with open(os.path.join(cls.root, "student.ipynb"), "w") as f:
            json.dump(notebook_json(), f)
        with open(os.path.join(cls.root, "chart.ipynb"), "w") as f:
            json.dump(notebook_json([CHART_CELL]), f)
        cls.port = free_port()
        cls.server = subprocess.Popen(
            ["/usr/bin/python3", "-m", "notebook", "--no-browser", "--ip=127.0.0.1", f"--port={cls.port}",
             "--NotebookApp.token=", "--NotebookApp.password=", f"--notebook-dir={cls.root}",
             "--NotebookApp.open_browser=False", "--allow-root"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + WAIT
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{cls.port}/api", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1400,1000", f"--user-data-dir={tempfile.mkdtemp(prefix='attend-chromium-')}"):
            options.add_argument(flag)
        cls.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        cls.driver.set_page_load_timeout(WAIT)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.terminate()
        cls.server.wait(timeout=20)

    def run(self, result=None):
        # A failing test leaves a screenshot behind as its artefact.
        outcome = super().run(result)
        if result is not None and (result.failures or result.errors):
            failed = {t.id() for t, _ in result.failures + result.errors}
            if self.id() in failed:
                path = os.path.join(self.artefacts, self.id().split(".")[-1] + ".png")
                self.driver.save_screenshot(path)
                print(f"\nscreenshot of the failure: {path}")
        return outcome

    # --- helpers --------------------------------------------------------------------------------
    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def wait_for(self, condition, what, timeout=WAIT):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(lambda d: condition(), message=what)

    def open_notebook(self, name="student.ipynb"):
        self.driver.get(f"http://127.0.0.1:{self.port}/notebooks/{name}")
        self.wait_for(lambda: self.js("return !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel "
                                      "&& Jupyter.notebook.kernel.is_connected())"), "the kernel to connect")
        self.wait_idle()

    def wait_idle(self, timeout=WAIT):
        self.wait_for(lambda: self.driver.find_element(By.ID, "kernel_indicator_icon").get_attribute("class")
                      .find("kernel_idle_icon") >= 0, "the kernel indicator to show idle", timeout)

    def click_menu(self, menu, item):
        self.driver.find_element(By.LINK_TEXT, menu).click()
        self.wait_for(lambda: self.driver.find_element(By.ID, item).is_displayed(), f"menu item {item}")
        self.driver.find_element(By.ID, item).click()

    def output_text(self, index):
        return self.js("return Array.from(Jupyter.notebook.get_cell(arguments[0]).output_area.element[0]"
                       ".querySelectorAll('.output_subarea')).map(e => e.innerText).join('\\n')", index)

    def save(self):
        self.click_menu("File", "save_checkpoint")
        self.wait_for(lambda: "Last Checkpoint" in self.driver.find_element(By.ID, "save_widget").text
                      or "saved" in self.driver.find_element(By.ID, "notification_notebook").text.lower(), "the save")
        time.sleep(1)

    def chart_traces(self):
        """The traces plotly.js drew in the chart's SVG (scatter and bar layers), or 0 while none is drawn."""
        return self.js("var svg = document.querySelector('.output_area .js-plotly-plot svg.main-svg');"
                       "return svg ? svg.querySelectorAll('.scatterlayer .trace, .barlayer .trace').length : 0;")

    def assert_chart_draws_and_hovers(self):
        self.wait_for(lambda: self.chart_traces() == 2, "the chart's SVG with its two traces")
        sources = self.js("return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.endsWith('plotly.min.js'));")
        self.assertEqual(sources, [f"http://127.0.0.1:{self.port}/kernelspecs/{KERNEL}/plotly.min.js"], "plotly.js from the kernelspec")
        point = self.driver.find_elements(By.CSS_SELECTOR, ".output_area .scatterlayer .trace .points path")[1]
        ActionChains(self.driver).move_to_element(point).perform()
        self.wait_for(lambda: "4.25" in self.js("var h = document.querySelector('.output_area .hoverlayer');"
                                                "return h ? h.textContent : '';"), "the hover label with the point's value")

    def type_in_new_cell(self, text):
        """A new code cell at the end, in edit mode, holding `text` typed as a user would."""
        self.js("var c = Jupyter.notebook.insert_cell_at_bottom('code'); Jupyter.notebook.select(Jupyter.notebook.ncells() - 1);"
                "c.focus_editor();")
        editor = self.driver.switch_to.active_element
        editor.send_keys(text)
        return editor

    def remove_last_cell(self):
        self.js("Jupyter.notebook.delete_cells([Jupyter.notebook.ncells() - 1]);")

    # --- tests (run in name order) --------------------------------------------------------------
    def test_1_run_all_shows_values_and_renders_the_image(self):
        self.open_notebook()
        self.click_menu("Cell", "run_all_cells")
        self.wait_for(lambda: "4" in self.output_text(2), "the last cell's result")
        self.assertIn("42", self.output_text(0))
        images = self.driver.find_elements(By.CSS_SELECTOR, ".output_png img")
        self.assertEqual(len(images), 1)
        self.wait_for(lambda: self.js("return arguments[0].complete && arguments[0].naturalWidth", images[0]) == 2,
                      "the PNG to decode in the page")

    def test_2_interrupt_from_the_kernel_menu_stops_a_sleep(self):
        self.open_notebook()
        self.type_in_new_cell("Thread.Sleep(60000);")
        self.js("Jupyter.notebook.execute_cell_range(Jupyter.notebook.ncells() - 1, Jupyter.notebook.ncells());")
        self.wait_for(lambda: "kernel_busy_icon" in self.driver.find_element(By.ID, "kernel_indicator_icon").get_attribute("class"),
                      "the kernel to be busy")
        time.sleep(1)
        started = time.monotonic()
        self.click_menu("Kernel", "int_kernel")
        self.wait_idle(timeout=10)
        self.assertLess(time.monotonic() - started, 5, "the sleep was not interrupted promptly")
        self.wait_for(lambda: "interrupted" in self.output_text(len(CELLS)), "the interrupt error in the cell")
        self.remove_last_cell()
        # The session survives: an earlier cell's variable is still there.
        self.type_in_new_cell("greeting.ToUpper()")
        self.js("Jupyter.notebook.execute_cell_range(Jupyter.notebook.ncells() - 1, Jupyter.notebook.ncells());")
        self.wait_for(lambda: "HELLO" in self.output_text(len(CELLS)), "the next cell's result")
        self.remove_last_cell()

    def test_3_completion_popup_and_tooltip_inside_a_call(self):
        self.open_notebook()
        editor = self.type_in_new_cell("greeting.To")
        editor.send_keys(Keys.TAB)
        self.wait_for(lambda: self.driver.find_elements(By.CSS_SELECTOR, ".completions select option"),
                      "the completion popup")
        options = [o.text for o in self.driver.find_elements(By.CSS_SELECTOR, ".completions select option")]
        self.assertIn("ToUpper", options)
        self.assertIn("ToLower", options)
        self.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
        self.remove_last_cell()
        editor = self.type_in_new_cell("Math.Max(")
        editor.send_keys(Keys.SHIFT, Keys.TAB)
        self.wait_for(lambda: self.driver.find_element(By.ID, "tooltip").is_displayed()
                      and "Math.Max" in self.driver.find_element(By.ID, "tooltip").text, "the Shift+Tab tooltip")
        self.assertIn("overloads", self.driver.find_element(By.ID, "tooltip").text)
        self.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
        self.remove_last_cell()

    def test_4_restart_then_save_and_reload_keep_the_outputs(self):
        self.open_notebook()
        self.click_menu("Cell", "run_all_cells")
        self.wait_for(lambda: "4" in self.output_text(2), "the last cell's result")
        self.click_menu("Kernel", "restart_kernel")
        confirm = WebDriverWait(self.driver, WAIT).until(
            EC.element_to_be_clickable((By.CSS_SELECTOR, ".modal-footer .btn-danger")), message="the restart dialog")
        confirm.click()
        self.wait_for(lambda: self.js("return Jupyter.notebook.kernel.is_connected()"), "the restarted kernel")
        self.wait_idle()
        self.save()
        with open(os.path.join(self.root, "student.ipynb")) as f:
            saved = json.load(f)
        self.assertTrue(any(o.get("data", {}).get("image/png") for o in saved["cells"][1]["outputs"]), "the image was not saved")
        self.open_notebook()
        self.assertIn("42", self.output_text(0))
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, ".output_png img")), 1)

    def test_5_a_chart_draws_offline_hovers_and_survives_save_reload_and_trust(self):
        self.open_notebook("chart.ipynb")
        self.click_menu("Cell", "run_all_cells")
        self.assert_chart_draws_and_hovers()
        self.save()
        with open(os.path.join(self.root, "chart.ipynb")) as f:
            data = json.load(f)["cells"][0]["outputs"][0]["data"]
        self.assertEqual(set(data), {"application/vnd.plotly.v1+json", "text/html", "image/png", "text/plain"})
        self.assertEqual(len(data["application/vnd.plotly.v1+json"]["data"]), 2)
        # Reloaded: the notebook saved by this server is trusted, so its chart draws again.
        self.open_notebook("chart.ipynb")
        self.assert_chart_draws_and_hovers()
        # Changed outside Jupyter, the notebook is untrusted: no script runs, the PNG shows; trusting it draws the chart.
        with open(os.path.join(self.root, "chart.ipynb")) as f:
            nb = json.load(f)
        nb["metadata"]["changed_outside"] = True
        with open(os.path.join(self.root, "chart.ipynb"), "w") as f:
            json.dump(nb, f)
        self.open_notebook("chart.ipynb")
        self.assertFalse(self.js("return Jupyter.notebook.trusted;"))
        time.sleep(2)
        self.assertEqual(self.chart_traces(), 0)
        image = self.driver.find_element(By.CSS_SELECTOR, ".output_area .attend-plotly img")
        self.wait_for(lambda: self.js("return arguments[0].complete && arguments[0].naturalWidth", image) == 600, "the chart's PNG")
        self.click_menu("File", "trust_notebook")
        trust = WebDriverWait(self.driver, WAIT).until(
            EC.visibility_of_element_located((By.XPATH, "//div[contains(@class, 'modal-footer')]/button[normalize-space()='Trust']")),
            message="the trust dialog")
        self.js("arguments[0].click();", trust)   # a script click: the dialog may still be fading in over itself
        time.sleep(3)   # trusting signs and saves the notebook (Notebook 6 may reload the page itself)
        self.open_notebook("chart.ipynb")
        self.assertTrue(self.js("return Jupyter.notebook.trusted;"))
        self.assert_chart_draws_and_hovers()

    def test_6_without_javascript_the_chart_is_its_png(self):
        # nbconvert's HTML of the saved chart notebook, its scripts removed, as a viewer without JavaScript shows it
        with open(os.path.join(self.root, "chart.ipynb")) as f:
            png = json.load(f)["cells"][0]["outputs"][0]["data"]["image/png"]
        html_file = os.path.join(self.root, "chart.html")
        subprocess.run(["/usr/bin/python3", "-m", "nbconvert", "--to", "html", "--output", "chart",
                        os.path.join(self.root, "chart.ipynb")], check=True, capture_output=True, timeout=WAIT)
        with open(html_file) as f:
            page = re.sub(r"<script\b.*?</script>", "", f.read(), flags=re.S | re.I)
        with open(html_file, "w") as f:
            f.write(page)
        self.driver.get("file://" + html_file)
        images = [i for i in self.driver.find_elements(By.TAG_NAME, "img") if png in (i.get_attribute("src") or "")]
        self.assertEqual(len(images), 1, "the chart's PNG is not in the HTML")
        self.wait_for(lambda: self.js("return arguments[0].complete && arguments[0].naturalWidth", images[0]) == 600, "the PNG to decode")
        self.driver.save_screenshot(os.path.join(self.artefacts, "chart-without-javascript.png"))


if __name__ == "__main__":
    unittest.main()
