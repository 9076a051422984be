<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>CompareDialog</name>
    <message numerus="yes">
        <source>Compare %n output(s)</source>
        <translation>
            <numerusform>Compare %n output</numerusform>
            <numerusform>Compare %n outputs</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>JobEditor</name>
    <message numerus="yes">
        <source>Editing %n jobs: a change applies to all of them.</source>
        <translation>
            <numerusform>Editing %n job: a change applies to it.</numerusform>
            <numerusform>Editing %n jobs: a change applies to all of them.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Loading the inputs of %n model(s) used by {file}…</source>
        <translation>
            <numerusform>Loading the inputs of %n model used by {file}…</numerusform>
            <numerusform>Loading the inputs of %n models used by {file}…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{file} has a template that makes %n job(s) ({total} in all), about {amount} (estimate). Add them to the list?</source>
        <translation>
            <numerusform>{file} has a template that makes %n job ({total} in all), about {amount} (estimate). Add it to the list?</numerusform>
            <numerusform>{file} has a template that makes %n jobs ({total} in all), about {amount} (estimate). Add them to the list?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The inputs of %n job(s) are still loading; press Run again in a moment.</source>
        <translation>
            <numerusform>The inputs of %n job are still loading; press Run again in a moment.</numerusform>
            <numerusform>The inputs of %n jobs are still loading; press Run again in a moment.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Submit %n job(s) to Atlas Cloud for about {total}? Billing happens at submit.</source>
        <translation>
            <numerusform>Submit %n job to Atlas Cloud for about {total}? Billing happens at submit.</numerusform>
            <numerusform>Submit %n jobs to Atlas Cloud for about {total}? Billing happens at submit.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Reopened %n job(s) from {folder}.</source>
        <translation>
            <numerusform>Reopened %n job from {folder}.</numerusform>
            <numerusform>Reopened %n jobs from {folder}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Resubmit %n job(s) for about {total}? If Atlas Cloud did create the earlier attempt, it was charged too.</source>
        <translation>
            <numerusform>Resubmit %n job for about {total}? If Atlas Cloud did create the earlier attempt, it was charged too.</numerusform>
            <numerusform>Resubmit %n jobs for about {total}? If Atlas Cloud did create the earlier attempt, it was charged too.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n job(s)</source>
        <translation>
            <numerusform>%n job</numerusform>
            <numerusform>%n jobs</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Promoter</name>
    <message numerus="yes">
        <source>Pricing %n final(s)…</source>
        <translation>
            <numerusform>Pricing %n final…</numerusform>
            <numerusform>Pricing %n finals…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Render %n final(s) for {total}? Each is linked to its draft and runs now.</source>
        <translation>
            <numerusform>Render %n final for {total}? It is linked to its draft and runs now.</numerusform>
            <numerusform>Render %n finals for {total}? Each is linked to its draft and runs now.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n final(s) queued beside their drafts.</source>
        <translation>
            <numerusform>%n final queued beside its draft.</numerusform>
            <numerusform>%n finals queued beside their drafts.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PromptAssistPanel</name>
    <message numerus="yes">
        <source>Asking {model} about %n prompt(s), at most ${cost:.4f}…</source>
        <translation>
            <numerusform>Asking {model} about %n prompt, at most ${cost:.4f}…</numerusform>
            <numerusform>Asking {model} about %n prompts, at most ${cost:.4f}…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Add %n variation(s)</source>
        <translation>
            <numerusform>Add %n variation</numerusform>
            <numerusform>Add %n variations</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RecipeOpener</name>
    <message numerus="yes">
        <source>Reading the recipes of %n file(s)…</source>
        <translation>
            <numerusform>Reading the recipe of %n file…</numerusform>
            <numerusform>Reading the recipes of %n files…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) from other tools were left out: no model was chosen</source>
        <translation>
            <numerusform>%n file from another tool was left out: no model was chosen</numerusform>
            <numerusform>%n files from other tools were left out: no model was chosen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restore %n job(s)</source>
        <translation>
            <numerusform>Restore %n job</numerusform>
            <numerusform>Restore %n jobs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restored %n job(s): same model, inputs and seed. Run them, or change them first.</source>
        <translation>
            <numerusform>Restored %n job: same model, inputs and seed. Run it, or change it first.</numerusform>
            <numerusform>Restored %n jobs: same model, inputs and seed. Run them, or change them first.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… and %n more</numerusform>
            <numerusform>… and %n more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) come from another tool (A1111, ComfyUI, InvokeAI, SwarmUI or Fooocus). Their prompt, negative prompt, seed and size go to a new job on the model you pick; their own model and sampler settings do not carry over (best effort).</source>
        <translation>
            <numerusform>%n file comes from another tool (A1111, ComfyUI, InvokeAI, SwarmUI or Fooocus). Its prompt, negative prompt, seed and size go to a new job on the model you pick; its own model and sampler settings do not carry over (best effort).</numerusform>
            <numerusform>%n files come from other tools (A1111, ComfyUI, InvokeAI, SwarmUI or Fooocus). Their prompt, negative prompt, seed and size go to new jobs on the model you pick; their own model and sampler settings do not carry over (best effort).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RecoverDialog</name>
    <message numerus="yes">
        <source>%n generation(s) found; {usable} can be downloaded.</source>
        <translation>
            <numerusform>%n generation found; {usable} can be downloaded.</numerusform>
            <numerusform>%n generations found; {usable} can be downloaded.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewView</name>
    <message numerus="yes">
        <source>Pricing %n re-roll(s)…</source>
        <translation>
            <numerusform>Pricing %n re-roll…</numerusform>
            <numerusform>Pricing %n re-rolls…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Queue %n re-roll(s) for {total}? They join the batch next to their originals and run now.</source>
        <translation>
            <numerusform>Queue %n re-roll for {total}? It joins the batch next to its original and runs now.</numerusform>
            <numerusform>Queue %n re-rolls for {total}? They join the batch next to their originals and run now.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n re-roll(s) queued beside their originals.</source>
        <translation>
            <numerusform>%n re-roll queued beside its original.</numerusform>
            <numerusform>%n re-rolls queued beside their originals.</numerusform>
        </translation>
    </message>
</context>
</TS>
