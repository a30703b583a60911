package dev.spool.cli;

import dev.spool.JobId;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a job id, {@code queue:number} (e.g. {@code mail:42}); anything else is bad usage. */
final class JobIdConverter implements ITypeConverter<JobId> {
  @Override
  public JobId convert(String value) {
    try {
      return JobId.parse(value.strip());
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
