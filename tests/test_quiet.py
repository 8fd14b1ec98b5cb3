import os
import subprocess
import sys

from course_lib._quiet import is_startup_noise, native_stderr_filtered

# Lines TensorFlow 2.21 printed when a notebook kernel imported it (CPU machine).
SEEN = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796669762.957286   27719 port.cc:153] oneDNN custom operations are on. You may "
    "see slightly different numerical results due to floating-point round-off errors from "
    "different computation orders. To turn them off, set the environment variable "
    "`TF_ENABLE_ONEDNN_OPTS=0`.",
    "I0000 00:00:1796669762.959448   27719 cudart_stub.cc:31] Could not find cuda drivers on your "
    "machine, GPU will not be used.",
    "",
]


def test_known_startup_lines_are_noise_and_others_are_not():
    assert all(is_startup_noise(line) for line in SEEN)
    assert not is_startup_noise("E0000 00:00:17 cuda_dnn.cc:522] Loaded runtime CuDNN 8.9 but ...")
    assert not is_startup_noise("Traceback (most recent call last):")


def test_native_lines_are_filtered_and_the_rest_replayed(capfd):
    with native_stderr_filtered():
        os.write(2, ("\n".join(SEEN) + "\nsomething a learner must see\n").encode())
    assert capfd.readouterr().err == "something a learner must see\n"
    os.write(2, b"after the block\n")  # the descriptor is restored
    assert capfd.readouterr().err == "after the block\n"


def test_importing_tensorflow_through_setup_prints_no_startup_noise(tmp_path):
    code = "from course_lib import setup_notebook; setup_notebook('01_rnn_basics', verbose=False)"
    env = {**os.environ, "COURSE_PROFILE": "quick"}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and done.stdout == ""
