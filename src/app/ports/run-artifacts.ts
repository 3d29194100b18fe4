/** An artifact a workflow run uploaded (GitHub Actions artifacts API). */
export interface RunArtifact {
  id: number;
  name: string;
  expired: boolean;
  sizeBytes: number;
}

/** An artifact as downloaded: the digest of its zip and the files asked for (text). */
export interface DownloadedArtifact {
  /** `sha256:<hex>` of the zip bytes. */
  digest: string;
  /** Paths inside the zip → content (only files `pick` chose, each at most `maxFileBytes`). */
  files: Record<string, string>;
  /** Files chosen but left out because they were larger than `maxFileBytes`. */
  tooLarge: string[];
}

/** The GitHub calls a plan review makes for a run's artifacts. */
export interface RunArtifacts {
  list(repo: string, runId: number, name?: string): Promise<RunArtifact[]>;
  /** Downloads the artifact's zip (a 302 to blob storage, followed) and reads the chosen files. */
  download(repo: string, artifactId: number, pick: (path: string) => boolean, maxFileBytes: number): Promise<DownloadedArtifact>;
}
