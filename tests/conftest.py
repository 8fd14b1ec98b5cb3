import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_configure(config):
    # As setup_notebook does: no TensorFloat-32 on Ampere and newer GPUs, whose float32 matrix
    # products would otherwise miss the scratch-vs-Keras checks at 1e-5.
    from course_lib._quiet import native_stderr_filtered

    with native_stderr_filtered():  # TensorFlow's start-up log lines, as in the notebooks
        import tensorflow as tf

    tf.config.experimental.enable_tensor_float_32_execution(False)
