# lit configuration of the adjit test suite.
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "ADJIT"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.adjit_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%llvm_lib_dir", config.llvm_lib_dir))
# The runtime libraries mlir-runner needs for printMemref* and memrefCopy.
config.substitutions.append(
    (
        "%mlir_runner_libs",
        ",".join(
            os.path.join(config.llvm_lib_dir, lib)
            for lib in ["libmlir_runner_utils.so", "libmlir_c_runner_utils.so"]
        ),
    )
)

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

# FileCheck, not, count and the MLIR runner come from the LLVM installation.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# Variables captured by a CHECK are scoped to their CHECK-LABEL block.
config.environment["FILECHECK_OPTS"] = "-enable-var-scope"

tool_dirs = [config.adjit_tools_dir, config.llvm_tools_dir]
tools = [
    "adjit-opt",
    "adjit-run",
    "adjit-difftest",
    "not",
    ToolSubst("mlir-runner", unresolved="ignore"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Python helpers of the integration tests (standard library only).
import sys
config.substitutions.append(("%python", sys.executable))
