-- Which endpoint of a teacher pool answered each evaluated sample (NULL for a single model).
ALTER TABLE eval_samples ADD COLUMN endpoint TEXT;
