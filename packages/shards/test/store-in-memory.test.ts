import { InMemoryShardRepository } from "../src/index.ts";
import { repositoryContract } from "./contract.ts";

repositoryContract({ name: "in-memory", open: async () => new InMemoryShardRepository() });
