package org.cbtm.notebook.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -cp LIBRARY org.cbtm.notebook.kernel.KernelMain CONNECTION_FILE}: what the kernelspec runs. The init
 * script of default imports is {@code $CBTM_INIT_SCRIPT}.
 */
public final class KernelMain {

    private KernelMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KernelMain CONNECTION_FILE (Jupyter passes {connection_file}; the kernelspec "
                    + "written by environment/jupyter does this)");
            System.exit(2);
        }
        Path connectionFile = Path.of(args[0]);
        String json;
        try {
            json = Files.readString(connectionFile);
        } catch (IOException e) {
            System.err.println("[cbtm] kernel: cannot read the connection file " + connectionFile + ": " + e);
            System.exit(1);
            return;
        }
        KernelLog.open(connectionFile);
        Logger log = LoggerFactory.getLogger(KernelMain.class);
        String init = System.getenv("CBTM_INIT_SCRIPT");
        NotebookKernel kernel = NotebookKernel.start(init == null || init.isBlank() ? null : Path.of(init));
        KernelConnectionProperties props = KernelConnectionProperties.parse(json);
        JupyterConnection connection = new JupyterConnection(props);
        kernel.onStartup();
        kernel.attachToLibrary();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        log.info("kernel {} on {} (Java {}), listening on {} ports {}..{}", kernel.getName(), kernel.getVersion(),
                Runtime.version(), props.getIp(), Math.min(props.getShellPort(), props.getHbPort()),
                Math.max(props.getShellPort(), props.getHbPort()));
        connection.waitUntilClose();
        log.info("kernel stopped");
        // user code may have left non-daemon threads (pools, DJL): the kernel's end is the process's end
        System.exit(0);
    }
}
