package dev.spool.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatTest {
  @Test
  void cpuTicksAreUtimePlusStimeCountedAfterTheCommandName() {
    // field 2 holds spaces and a ')': fields are counted after the last ')'
    String stat =
        "4242 (node worker) x) S 1 4242 4242 0 -1 4194304 9000 0 0 0 806 93 0 0 20 0 11 0 123 0 0";
    assertThat(ProcStat.cpuTicks(stat)).isEqualTo(806 + 93);
  }

  @Test
  void statusFieldsAreReadInKibibytes() {
    String status = "Name:\tjava\nVmPeak:\t 5000 kB\nVmHWM:\t  104840 kB\nVmRSS:\t 90000 kB\n";
    assertThat(ProcStat.statusField(status, "VmHWM:")).isEqualTo(104_840);
    assertThat(ProcStat.statusField(status, "VmSwap:")).isEqualTo(-1);
  }

  @Test
  void thisProcessHasCpuTimeAndAPeak() {
    long pid = ProcessHandle.current().pid();
    assertThat(ProcStat.cpuSeconds(pid)).isPositive();
    assertThat(ProcStat.peakRssKb(pid)).isPositive();
    assertThat(ProcStat.commandLine(pid)).contains("java");
  }
}
