import { afterAll, afterEach, beforeAll } from "vitest";
import { SAMPLE_TOKEN, startSampleDoorayApi, type SampleDoorayApi } from "../../handler/dev/sampleDoorayApi.js";
import { startHarness, type Harness } from "./harness.js";

/**
 * For one describe block: the sample Dooray API and a harness whose channels have these profiles, reading that API
 * with its token; started before the tests, idle after each, closed after all.
 */
export function sampleDoorayHarness(profiles: Record<string, unknown>): { readonly api: SampleDoorayApi; readonly h: Harness } {
  const started: { api?: SampleDoorayApi; h?: Harness } = {};
  beforeAll(async () => {
    started.api = await startSampleDoorayApi();
    started.h = await startHarness({ CHANNEL_PROFILES: JSON.stringify(profiles), DOORAY_API_URL: started.api.url, DOORAY_API_TOKEN: SAMPLE_TOKEN });
  });
  afterEach(() => started.h?.dev.idle());
  afterAll(async () => {
    await started.h?.close();
    await started.api?.close();
  });
  return {
    get api() {
      return started.api!;
    },
    get h() {
      return started.h!;
    },
  };
}
